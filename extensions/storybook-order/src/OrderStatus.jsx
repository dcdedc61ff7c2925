// customer-account.order-status.block.render: the order's books on its status page in the customer account.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { Books } from "./Books.jsx";

export default async () => {
  render(<Books orderId={shopify.order.value?.id} />, document.body);
};
