// The books an order bought, with Read and Download links: shared by the order-status and thank-you targets.
import { useEffect, useState } from "preact/hooks";
import { APP_URL } from "./config.js";

const POLL_MS = 10000;
const WAIT_FOR_ORDER = 12;

/** Fetches the order's books from the app, authenticated by the extension's session token. */
export async function loadBooks(orderId) {
  const token = await shopify.sessionToken.get();
  const response = await fetch(`${APP_URL}/api/customer-account/books?order_id=${encodeURIComponent(orderId)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`books: ${response.status}`);
  return (await response.json()).items;
}

export function Books({ orderId }) {
  const [books, setBooks] = useState(null);
  const [failed, setFailed] = useState(false);
  // Right after checkout the app may not know the order yet (Shopify's order webhook is on its way), and a book
  // takes a few minutes to make: ask again every 10 s while one is being made, and for two minutes while none is
  // known, so that the links appear on the page the buyer is looking at.
  useEffect(() => {
    if (!orderId) return undefined;
    let stopped = false;
    let tries = 0;
    let timer;
    const load = () =>
      loadBooks(orderId).then(
        (items) => {
          if (stopped) return;
          setBooks(items);
          tries += 1;
          const making = items.some((book) => book.status === "making");
          if (making || (items.length === 0 && tries < WAIT_FOR_ORDER)) timer = setTimeout(load, POLL_MS);
        },
        () => !stopped && setFailed(true),
      );
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderId]);
  const t = (key, values) => shopify.i18n.translate(key, values);
  if (failed) return <s-banner tone="warning">{t("unavailable")}</s-banner>;
  if (!books || books.length === 0) return null;
  return (
    <s-section heading={t(books.length > 1 ? "headingMany" : "heading")}>
      <s-stack gap="base">
        {books.map((book) => (
          <s-stack key={book.storyId} direction="inline" gap="base" alignItems="center">
            {book.status === "ready" ? (
              <>
                <s-text type="strong">{book.title}</s-text>
                <s-link href={book.readUrl} target="_blank">{t("read")}</s-link>
                <s-text>·</s-text>
                <s-link href={book.downloadUrl} target="_blank">{t("download")}</s-link>
              </>
            ) : (
              <s-text>{t(book.status === "expired" ? "expired" : "making", { title: book.title })}</s-text>
            )}
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}
