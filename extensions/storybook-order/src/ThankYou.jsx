// purchase.thank-you.block.render: the order's books right after checkout (they appear when they are made).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { Books } from "./Books.jsx";

export default async () => {
  render(<Books orderId={shopify.orderConfirmation.value?.order?.id} />, document.body);
};
