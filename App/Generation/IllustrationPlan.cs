using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Generation;

/// <summary>
/// What the illustration stage draws for a story, decided without drawing anything: the cover and one picture per
/// page (before purchase, the cover and the preview pages only), with the style every prompt carries; and, when the
/// shop makes colouring pages, each page's scene as line art too.
/// </summary>
public sealed record IllustrationPlan(
    IReadOnlyList<IllustrationPlan.Picture> Pictures,
    IReadOnlyList<IllustrationPlan.Picture> LineArt,
    string Style
)
{
    public const string DefaultStyle = "Soft, warm children's picture-book illustration";

    /// <summary>One picture: page 0 is the cover (with the title). <see cref="Stored"/>: the story already records
    /// it.</summary>
    public sealed record Picture(int Number, string Key, string Prompt, Scene Scene, bool Stored, string? Title)
    {
        /// <summary>What an illustrator draws this picture from: its prompt with the plan's style, its scene, the
        /// story's characters; the title only on the colour cover (line art carries no lettering).</summary>
        public IllustrationRequest Request(
            StoryBrief brief,
            IReadOnlyList<Character> characters,
            string style,
            bool lineArt = false
        ) => new(brief, Number, Prompt + " " + style, Scene, characters, style, lineArt ? null : Title);
    }

    public static IllustrationPlan For(Story story, ShopSettings settings, int previewPages)
    {
        var look = string.IsNullOrWhiteSpace(settings.IllustrationStyle)
            ? DefaultStyle
            : settings.IllustrationStyle.Trim();
        var style =
            $"{look}; characters: "
            + $"{string.Join("; ", story.Characters.Select(c => $"{c.Name}: {c.VisualDescription}"))}.";
        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        var pictures = new List<Picture> { Cover(story, pages) };
        pictures.AddRange(
            pages.Select(p => new Picture(
                p.Number,
                AssetKeys.PageImage(story.ShopId, story.Id, p.Number),
                p.IllustrationPrompt,
                p.Scene,
                p.ImageStage == AssetStage.Done && p.ImageKey is not null,
                null
            ))
        );
        // Before purchase only the cover and the first pages are drawn (the storefront preview).
        if (!story.Released)
            pictures = [.. pictures.Where(p => p.Number <= previewPages)];
        var lineArt =
            story.Released && settings.ColouringPages == true
                ? pages
                    .Select(p => new Picture(
                        p.Number,
                        AssetKeys.LineArt(story.ShopId, story.Id, p.Number),
                        p.IllustrationPrompt,
                        p.Scene,
                        false,
                        null
                    ))
                    .ToList()
                : [];
        return new IllustrationPlan(pictures, lineArt, style);
    }

    /// <summary>The cover shows the hero, every companion and the friend the story is about at the story's farthest
    /// place, in warm light.</summary>
    private static Picture Cover(Story story, List<StoryPage> pages)
    {
        var destination = pages.LastOrDefault(p => p.Scene.Setting != "home")?.Scene.Setting ?? "home";
        var scene = new Scene(
            destination,
            "sunset",
            [story.ChildName, .. story.Characters.Where(c => c.Role is "companion" or "friend").Select(c => c.Name)],
            "treasure",
            "joyful"
        );
        return new Picture(
            0,
            AssetKeys.Cover(story.ShopId, story.Id),
            $"Book cover for \"{story.Title}\": {story.ChildName} and friends, inviting and bright.",
            scene,
            story.CoverImage is not null,
            story.Title
        );
    }
}
