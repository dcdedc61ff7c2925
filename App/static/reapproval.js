// Shopify's managed re-approval: App Bridge asks the merchant for the scopes this release needs, then the page reloads.
document.getElementById('approve').addEventListener('click', async e => {
  const result = await shopify.scopes.request(JSON.parse(e.target.dataset.scopes));
  if (result.result === 'granted-all') location.reload();
});
