namespace StorybookShop.Shopify;

/// <summary>Endpoint metadata: a page Shopify opens inside the admin (a document load, with <c>id_token</c> in its
/// query); refused, it goes through the session-token bounce instead of answering 401.</summary>
public sealed class EmbeddedDocument;
