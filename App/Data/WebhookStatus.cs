namespace StorybookShop.Data;

public enum WebhookStatus
{
    Received,
    Processing,
    Processed,
    Failed,
}
