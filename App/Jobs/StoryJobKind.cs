namespace StorybookShop.Jobs;

/// <summary>What a job does for one story: the four pipeline stages, then publishing and delivery.</summary>
public enum StoryJobKind
{
    Text,
    Illustrations,
    Narration,
    Book,
    Publish,
    Deliver,
}
