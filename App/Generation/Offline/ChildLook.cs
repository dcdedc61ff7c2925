using System.Security.Cryptography;
using System.Text;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// A fixed look for a character, derived from its name so that every picture of it (and every prompt
/// that describes it) agrees: character consistency without a reference image.
/// </summary>
public sealed record ChildLook(
    string Skin,
    string Hair,
    string HairStyle,
    string Shirt,
    string Trousers,
    string Description
)
{
    private static readonly (string Colour, string Word)[] Skins =
    [
        ("#f9d7b9", "fair"),
        ("#eab48c", "light brown"),
        ("#c68642", "golden brown"),
        ("#8d5524", "deep brown"),
        ("#f1c27d", "warm beige"),
    ];
    private static readonly (string Colour, string Word)[] Hairs =
    [
        ("#2b1b10", "dark brown"),
        ("#f2c94c", "golden"),
        ("#a0522d", "auburn"),
        ("#111111", "black"),
        ("#d9822b", "ginger"),
    ];
    private static readonly string[] Styles = ["short", "curly", "long", "pigtails", "bun"];
    private static readonly (string Colour, string Word)[] Shirts =
    [
        ("#e63946", "red"),
        ("#f4a261", "orange"),
        ("#2a9d8f", "teal"),
        ("#ffd166", "yellow"),
        ("#8e7dbe", "purple"),
        ("#4895ef", "blue"),
    ];
    private static readonly (string Colour, string Word)[] TrouserColours =
    [
        ("#264653", "navy"),
        ("#6d597a", "plum"),
        ("#3d405b", "slate"),
        ("#588157", "green"),
    ];

    public static ChildLook For(string name)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(name.Trim().ToLowerInvariant()));
        var skin = Skins[h[0] % Skins.Length];
        var hair = Hairs[h[1] % Hairs.Length];
        var style = Styles[h[2] % Styles.Length];
        var shirt = Shirts[h[3] % Shirts.Length];
        var trousers = TrouserColours[h[4] % TrouserColours.Length];
        var hairWords = style switch
        {
            "pigtails" => $"{hair.Word} hair in two bouncy pigtails",
            "bun" => $"{hair.Word} hair in a round bun",
            _ => $"{style} {hair.Word} hair",
        };
        return new ChildLook(
            skin.Colour,
            hair.Colour,
            style,
            shirt.Colour,
            trousers.Colour,
            $"a cheerful child with {skin.Word} skin, {hairWords}, rosy cheeks, a {shirt.Word} jumper with a white "
                + $"star, {trousers.Word} trousers and little white sneakers"
        );
    }

    /// <summary>A body colour for a companion, also fixed by its name.</summary>
    public static (string Colour, string Word) CompanionColour(string kind, string name)
    {
        (string, string)[] colours = kind switch
        {
            "robot" => [("#b8c4d6", "silver"), ("#8fd3ff", "sky-blue"), ("#f6c945", "gold")],
            "dragon" => [("#57cc99", "green"), ("#c77dff", "violet"), ("#ff7b54", "coral")],
            "dolphin" => [("#6c9bd2", "blue-grey"), ("#89c2d9", "pale blue")],
            "dinosaur" => [("#80b918", "lime green"), ("#f28482", "pink"), ("#f6bd60", "sandy yellow")],
            "owl" => [("#a47148", "brown"), ("#d4a373", "tawny")],
            _ =>
            [
                ("#c8a27a", "caramel"),
                ("#f5f0e6", "cream"),
                ("#6b4f3a", "chocolate"),
                ("#9e9e9e", "grey"),
                ("#e07a5f", "russet"),
            ],
        };
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(name.Trim().ToLowerInvariant()));
        return colours[h[5] % colours.Length];
    }
}
