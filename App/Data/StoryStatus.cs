namespace StorybookShop.Data;

/// <summary>Preview: the text, cover and first pages are made and the rest waits for the order to be paid.</summary>
public enum StoryStatus
{
    Draft,
    Generating,
    Complete,
    Published,
    Error,
    Archived,
    Preview,
}
