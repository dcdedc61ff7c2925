namespace StorybookShop.Data;

public enum AssetStage
{
    Pending,
    Done,
    Failed,
}
