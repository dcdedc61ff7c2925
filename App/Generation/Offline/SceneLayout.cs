using System.Security.Cryptography;
using System.Text;
using StorybookShop.Data;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// Where a page's figures stand, decided before anything is drawn (pure, in the scene's 1000×1000 box): every
/// character the scene's cast names — the child, each companion, the creature, the helper — in one of several
/// compositions (a line-up, walking together, meeting face to face, a close group), sized to fit, each with the box
/// of its head. The drawing (<see cref="SceneArt"/>) and the preview stamp (which must miss the heads) both read it.
/// </summary>
public static class SceneLayout
{
    public const double Margin = 50;

    public readonly record struct Box(double X0, double Y0, double X1, double Y1)
    {
        public double Width => X1 - X0;
        public double Height => Y1 - Y0;

        public bool Intersects(Box o) => X0 < o.X1 && o.X0 < X1 && Y0 < o.Y1 && o.Y0 < Y1;
    }

    /// <summary>One figure: <see cref="Kind"/> is <c>child</c>, a companion kind (<c>cat</c>, <c>robot</c>, …),
    /// <c>creature</c> or <c>helper</c>; drawn at <see cref="X"/> on <see cref="Ground"/>, scaled, mirrored when it
    /// faces left.</summary>
    public sealed record Figure(
        string Name,
        string Kind,
        string Role,
        double X,
        double Ground,
        double Scale,
        bool FacingLeft,
        Box Head,
        Box Body
    );

    public enum Composition
    {
        LineUp,
        WalkingRight,
        WalkingLeft,
        FaceToFace,
        CloseGroup,

        /// <summary>Face to face with the child on the right.</summary>
        FaceToFaceMirrored,
    }

    public sealed record Layout(Composition Composition, double Ground, IReadOnlyList<Figure> Figures);

    /// <summary>The same numbers in every process (not <see cref="HashCode"/>, which is randomised per process): a
    /// page drawn again on another node is the same picture.</summary>
    public static int Seed(Guid storyId, int page) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.ASCII.GetBytes($"{storyId:N}/{page}")), 0) & 0x7fffffff;

    /// <summary>Where the setting's ground line is (the figures stand on it).</summary>
    public static int GroundOf(string setting) =>
        setting switch
        {
            "home" => 830,
            "underwater" or "reef" or "volcano" or "valley" or "village" => 870,
            "jungle" or "castle" => 880,
            _ => 860,
        };

    /// <summary>Who the cast names, in story order: the child, then companions, the creature, the helper.</summary>
    public static List<(string Name, string Kind, string Role)> Cast(
        Scene scene,
        string childName,
        IReadOnlyList<Character> characters
    )
    {
        bool Named(string name, string token) =>
            scene.Cast.Contains(name, StringComparer.OrdinalIgnoreCase) || scene.Cast.Contains(token);
        var cast = new List<(string, string, string)>();
        if (Named(childName, "child"))
            cast.Add((childName, "child", "hero"));
        foreach (var c in characters.Where(c => c.Role == "companion").Take(3))
            if (Named(c.Name, "companion"))
                cast.Add((c.Name, c.Kind, "companion"));
        foreach (var c in characters.Where(c => c.Role is "friend" or "helper"))
            if (Named(c.Name, c.Kind))
                cast.Add((c.Name, c.Kind, c.Role));
        return cast;
    }

    public static Layout For(IllustrationRequest request)
    {
        var scene = request.Scene;
        var cast = Cast(scene, request.Brief.ChildName, request.Characters);
        var ground = GroundOf(scene.Setting);
        // The cover is a line-up; the pages step through the compositions in turn (from where the story's seed says),
        // so no two pages within five of each other are composed alike.
        var composition =
            request.PageNumber == 0
                ? Composition.LineUp
                : (Composition)((Seed(request.Brief.StoryId, 0) + request.PageNumber) % 6);
        return new Layout(composition, ground, Place(cast, composition, ground));
    }

    private static List<Figure> Place(List<(string Name, string Kind, string Role)> cast, Composition c, double ground)
    {
        if (cast.Count == 0)
            return [];
        if (c == Composition.FaceToFaceMirrored)
            return [.. Place(cast, Composition.FaceToFace, ground).Select(Mirror)];
        // Facing: walking, everyone looks the same way; face to face, the child looks at the others.
        var facingLeft = cast.Select(
                (f, i) =>
                    c switch
                    {
                        Composition.WalkingLeft => true,
                        Composition.FaceToFace => i > 0,
                        _ => false,
                    }
            )
            .ToList();
        var (gap, scale, start, total) = Spacing(cast, c, facingLeft);
        var figures = new List<Figure>();
        var x = start;
        for (var i = 0; i < cast.Count; i++)
        {
            var (left, right) = Extent(cast[i].Kind, facingLeft[i]);
            var origin = x - left * scale;
            // Close up, the group stands nearer (lower on the page); walking, every other figure is a step behind
            // (higher), so nobody hides anybody's head.
            var y = c switch
            {
                Composition.CloseGroup => ground + 70 - (i % 2 == 1 ? 25 : 0),
                Composition.WalkingRight or Composition.WalkingLeft => ground - (i % 2 == 1 ? 45 : 0),
                _ => ground,
            };
            var flip = facingLeft[i] ? -1 : 1;
            figures.Add(
                new Figure(
                    cast[i].Name,
                    cast[i].Kind,
                    cast[i].Role,
                    origin,
                    y,
                    scale,
                    facingLeft[i],
                    Transform(HeadOf(cast[i].Kind), origin, y, scale, flip),
                    new Box(x, y - HeightOf(cast[i].Kind) * scale, x + (right - left) * scale, y)
                )
            );
            x += (right - left + gap) * scale;
            if (c == Composition.FaceToFace && i == 0)
                x = Math.Max(x, 1000 - Margin - 10 - (total - (right - left) - gap) * scale);
        }
        return figures;
    }

    /// <summary>How far apart the figures stand, how big they are drawn and where the row starts.</summary>
    private static (int Gap, double Scale, double Start, double Total) Spacing(
        List<(string Name, string Kind, string Role)> cast,
        Composition c,
        List<bool> facingLeft
    )
    {
        var gap = c switch
        {
            Composition.CloseGroup => 0,
            Composition.FaceToFace => 90,
            _ => 25,
        };
        var widths = cast.Select((f, i) => Extent(f.Kind, facingLeft[i])).ToList();
        var total = widths.Sum(w => w.Right - w.Left) + gap * (cast.Count - 1);
        var room = 1000 - 2 * Margin;
        var scale = Math.Min(c == Composition.CloseGroup ? 1.3 : 1.0, room / total);
        var width = total * scale;
        var start = c switch
        {
            Composition.WalkingRight => Margin + 20,
            Composition.WalkingLeft => 1000 - Margin - 20 - width,
            // Face to face: the child on the left, the others across a space on the right.
            Composition.FaceToFace => Margin + 10,
            _ => (1000 - width) / 2,
        };
        return (gap, scale, start, total);
    }

    /// <summary>Each figure's head as parts (0 to 1) of the picture's width and height (what must stay in view,
    /// e.g. clear of a PREVIEW stamp).</summary>
    public static IReadOnlyList<Box> Heads(IllustrationRequest request) =>
        [
            .. For(request)
                .Figures.Select(f => new Box(f.Head.X0 / 1000, f.Head.Y0 / 1000, f.Head.X1 / 1000, f.Head.Y1 / 1000)),
        ];

    /// <summary>The figure seen in a mirror held at the page's middle.</summary>
    private static Figure Mirror(Figure f) =>
        f with
        {
            X = 1000 - f.X,
            FacingLeft = !f.FacingLeft,
            Head = new Box(1000 - f.Head.X1, f.Head.Y0, 1000 - f.Head.X0, f.Head.Y1),
            Body = new Box(1000 - f.Body.X1, f.Body.Y0, 1000 - f.Body.X0, f.Body.Y1),
        };

    private static Box Transform(Box b, double x, double y, double s, int flip)
    {
        var (x0, x1) = flip > 0 ? (b.X0, b.X1) : (-b.X1, -b.X0);
        return new Box(x + x0 * s, y + b.Y0 * s, x + x1 * s, y + b.Y1 * s);
    }

    /// <summary>The figure's horizontal extent around its origin, as drawn (mirrored when facing left).</summary>
    private static (double Left, double Right) Extent(string kind, bool facingLeft)
    {
        var (l, r) = kind switch
        {
            "child" => (-140.0, 140.0),
            "robot" => (-80.0, 80.0),
            "dolphin" => (-150.0, 125.0),
            "owl" => (-70.0, 70.0),
            "dragon" or "dinosaur" => (-175.0, 155.0),
            "creature" => (-60.0, 60.0),
            "helper" => (-75.0, 75.0),
            _ => (-130.0, 95.0),
        };
        return facingLeft ? (-r, -l) : (l, r);
    }

    private static double HeightOf(string kind) =>
        kind switch
        {
            "child" => 345,
            "robot" => 290,
            "dolphin" => 195,
            "owl" => 190,
            "dragon" or "dinosaur" => 245,
            "creature" => 180,
            "helper" => 360,
            "rabbit" => 290,
            _ => 235,
        };

    /// <summary>Each kind's head (hair, ears, hat included) relative to where it stands, facing right.</summary>
    private static Box HeadOf(string kind) =>
        kind switch
        {
            "child" => new(-92, -345, 92, -190),
            "robot" => new(-55, -292, 55, -158),
            "dolphin" => new(20, -150, 130, -60),
            "owl" => new(-62, -190, 62, -75),
            "dragon" or "dinosaur" => new(38, -245, 152, -155),
            "creature" => new(-42, -182, 42, -78),
            "helper" => new(-58, -362, 58, -208),
            "rabbit" => new(-55, -290, 75, -85),
            _ => new(-58, -235, 80, -85),
        };
}
