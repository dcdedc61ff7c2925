using System.Globalization;
using System.Text;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// Draws a page's scene as SVG in a 1000×1000 box: the setting, the light of the time of day, the cast
/// (the child from their fixed look, the companion, the friend or helper) and the page's prop.
/// </summary>
public static class SceneArt
{
    public static string Svg(IllustrationRequest r, string[] palette)
    {
        var scene = r.Scene;
        var rng = new Random(SceneLayout.Seed(r.Brief.StoryId, r.PageNumber));
        var sb = new StringBuilder(16_384);
        sb.Append("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1000 1000' width='1000' height='1000'>");
        sb.Append("<defs><filter id='soft'><feGaussianBlur stdDeviation='6'/></filter>")
            .Append(
                "<radialGradient id='glow'><stop offset='0' stop-color='#fff7c2' stop-opacity='1'/><stop offset='1' "
                    + "stop-color='#fff7c2' stop-opacity='0'/></radialGradient></defs>"
            );
        var (skyTop, skyBottom) = Sky(scene.Setting, scene.TimeOfDay);
        sb.Append(
            F($"<linearGradient id='sky' x1='0' y1='0' x2='0' y2='1'><stop offset='0' stop-color='{skyTop}'/><stop ")
                + F($"offset='1' stop-color='{skyBottom}'/></linearGradient>")
        );
        sb.Append("<rect width='1000' height='1000' fill='url(#sky)'/>");
        var groundY = Background(sb, scene.Setting, scene.TimeOfDay, palette, rng);

        var layout = SceneLayout.For(r);
        if (scene.Prop is not null && Lies(scene.Prop))
            DrawProp(sb, scene.Prop, layout, palette);
        foreach (var figure in layout.Figures)
            DrawFigure(sb, figure, r.Brief.ChildName, scene.Mood, palette);
        if (scene.Prop is not null && !Lies(scene.Prop))
            DrawProp(sb, scene.Prop, layout, palette);
        if (scene.TimeOfDay is "night" or "evening")
            sb.Append(
                F($"<rect width='1000' height='1000' fill='#0b1d51' ")
                    + F($"opacity='{(scene.TimeOfDay == "night" ? 0.28 : 0.12)}'/>")
            );
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>One figure where the layout put it: drawn at the origin, then moved, scaled and (facing left)
    /// mirrored as one group named for the character.</summary>
    private static void DrawFigure(
        StringBuilder sb,
        SceneLayout.Figure f,
        string childName,
        string mood,
        string[] palette
    )
    {
        var name = System.Security.SecurityElement.Escape(f.Name);
        sb.Append(
            F($"<g data-figure='{name}' transform='translate({f.X:0.#} {f.Ground:0.#}) ")
                + F($"scale({(f.FacingLeft ? -f.Scale : f.Scale):0.###} {f.Scale:0.###})'>")
        );
        switch (f.Kind)
        {
            case "child":
                DrawChild(sb, 0, 0, ChildLook.For(childName), mood);
                break;
            case "creature":
                DrawCreature(sb, 0, 0, palette[3]);
                break;
            case "helper":
                DrawHelper(sb, 0, 0, palette[1]);
                break;
            default:
                DrawCompanion(sb, 0, 0, f.Kind, ChildLook.CompanionColour(f.Kind, f.Name).Colour, mood);
                break;
        }
        sb.Append("</g>");
    }

    private static (string, string) Sky(string setting, string time) =>
        (setting, time) switch
        {
            ("underwater" or "reef", "night") => ("#021b3a", "#05445e"),
            ("underwater" or "reef", _) => ("#3fa7d6", "#0b4f6c"),
            ("space" or "moon", _) => ("#07071a", "#1b1f3b"),
            ("planet", _) => ("#3c096c", "#9d4edd"),
            (_, "night") => ("#0b1d51", "#32407b"),
            (_, "evening") => ("#3d348b", "#f18701"),
            (_, "sunset") => ("#ff7b54", "#ffd56b"),
            (_, "morning") => ("#a0d8ef", "#fef9e7"),
            _ => ("#74c0fc", "#e7f5ff"),
        };

    private static int Background(StringBuilder sb, string setting, string time, string[] p, Random rng)
    {
        var dark = time is "night" or "evening";
        if (dark && setting is not ("underwater" or "reef" or "home"))
            Stars(sb, rng, 60);
        if (!dark && setting is not ("underwater" or "reef" or "home" or "space" or "moon" or "planet"))
            sb.Append(
                "<circle cx='820' cy='160' r='90' fill='url(#glow)'/><circle cx='820' cy='160' r='55' fill='#ffd166'/>"
            );
        if (dark && setting is not ("underwater" or "reef" or "home"))
            sb.Append(
                "<circle cx='800' cy='150' r='55' fill='#fdf6d8'/><circle cx='825' cy='135' r='50' fill='url(#sky)'/>"
            );
        var scene = new Scene(dark, p, rng, setting);
        return setting switch
        {
            "home" => Home(sb, scene),
            "meadow" => Meadow(sb, scene),
            "forest" => Forest(sb, scene),
            "mountain" => Mountain(sb, scene),
            "space" => Space(sb, scene),
            "moon" => Moon(sb, scene),
            "planet" => Planet(sb, scene),
            "beach" => Beach(sb, scene),
            "underwater" => Sea(sb, scene),
            "reef" => Sea(sb, scene),
            "jungle" => Jungle(sb, scene),
            "volcano" => Volcano(sb, scene),
            "valley" => Valley(sb, scene),
            "village" => Village(sb, scene),
            "castle" => Castle(sb, scene),
            _ => Plain(sb, scene),
        };
    }

    /// <summary>What a setting's scenery is drawn from.</summary>
    private sealed record Scene(bool Dark, string[] Palette, Random Rng, string Setting);

    private static int Home(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        sb.Append(
            "<rect width='1000' height='1000' fill='#f6e6cf'/><rect y='0' width='1000' height='40' fill='#e8cfae'/>"
        );
        sb.Append(
            F($"<rect x='560' y='140' width='300' height='260' rx='14' fill='{(dark ? "#1d2b64" : "#a0d8ef")}' ")
                + F($"stroke='#8d6346' stroke-width='16'/>")
        );
        if (dark)
        {
            sb.Append("<circle cx='640' cy='210' r='30' fill='#fdf6d8'/>");
            for (var i = 0; i < 8; i++)
                Star(sb, 600 + rng.Next(240), 170 + rng.Next(200), 5);
        }
        else
            sb.Append("<circle cx='780' cy='210' r='40' fill='#ffd166'/>");
        sb.Append(
            "<line x1='710' y1='140' x2='710' y2='400' stroke='#8d6346' stroke-width='10'/><line x1='560' y1='270' "
                + "x2='860' y2='270' stroke='#8d6346' stroke-width='10'/>"
        );
        sb.Append(
            F($"<rect x='80' y='300' width='260' height='180' rx='10' fill='{p[4]}'/><rect x='90' y='250' ")
                + F($"width='80' height='60' rx='16' fill='#fff'/>")
        );
        sb.Append("<rect y='760' width='1000' height='240' fill='#c89f7a'/>");
        sb.Append(F($"<ellipse cx='500' cy='860' rx='380' ry='70' fill='{p[3]}' opacity='0.7'/>"));
        if (dark)
            sb.Append("<rect width='1000' height='1000' fill='#1d2b64' opacity='0.25'/>");
        return 830;
    }

    private static int Meadow(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, dark);
        sb.Append(
            F($"<path d='M0 640 Q250 560 500 630 T1000 600 V1000 H0Z' fill='{p[1]}'/><path d='M0 720 Q300 660 600 ")
                + F($"720 T1000 700 V1000 H0Z' fill='{p[0]}' opacity='0.85'/>")
        );
        for (var i = 0; i < 40; i++)
            Flower(sb, rng.Next(1000), 760 + rng.Next(230), i % 2 == 0 ? p[3] : p[2]);
        return 860;
    }

    private static int Forest(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        sb.Append(F($"<rect y='700' width='1000' height='300' fill='{p[0]}'/>"));
        for (var i = 0; i < 9; i++)
            Tree(sb, 40 + i * 115 + rng.Next(30), 700, 0.8 + rng.NextDouble() * 0.6, i % 2 == 0 ? p[0] : p[1]);
        sb.Append("<path d='M380 1000 Q480 820 520 700 L560 700 Q560 820 700 1000Z' fill='#d4a373' opacity='0.8'/>");
        return 860;
    }

    private static int Mountain(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, dark);
        sb.Append(
            "<path d='M-50 760 L260 300 L560 760Z' fill='#6c757d'/><path d='M200 389 L260 300 L320 389 L290 370 L260 "
                + "395 L230 370Z' fill='#fff'/>"
        );
        sb.Append(
            "<path d='M380 780 L700 220 L1050 780Z' fill='#495057'/><path d='M640 325 L700 220 L760 325 L730 305 "
                + "L700 330 L670 305Z' fill='#fff'/>"
        );
        sb.Append(F($"<path d='M0 740 Q500 680 1000 740 V1000 H0Z' fill='{p[1]}'/>"));
        return 860;
    }

    private static int Space(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        Stars(sb, rng, 140);
        sb.Append(
            F($"<circle cx='180' cy='220' r='90' fill='{p[3]}'/><ellipse cx='180' cy='220' rx='150' ry='28' ")
                + F($"fill='none' stroke='{p[2]}' stroke-width='10'/>")
        );
        sb.Append(
            "<g transform='translate(760 360) rotate(20)'><rect x='-40' y='-120' width='80' height='220' rx='40' "
                + "fill='#e9ecef'/><circle cy='-40' r='24' fill='#8fd3ff' stroke='#adb5bd' stroke-width='8'/><path "
                + "d='M-40 60 L-80 120 L-40 100Z M40 60 L80 120 L40 100Z' fill='#e63946'/><path d='M-25 100 L0 170 "
                + "L25 100Z' fill='#ffb703'/></g>"
        );
        sb.Append(F($"<ellipse cx='500' cy='930' rx='600' ry='140' fill='{p[1]}'/>"));
        return 860;
    }

    private static int Moon(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        Stars(sb, rng, 120);
        sb.Append(
            "<circle cx='820' cy='200' r='70' fill='#4895ef'/><path d='M780 170 q30 -20 50 10 q20 30 -10 50z' "
                + "fill='#52b788'/>"
        );
        sb.Append("<path d='M0 680 Q500 620 1000 690 V1000 H0Z' fill='#adb5bd'/>");
        for (var i = 0; i < 9; i++)
            sb.Append(
                F($"<ellipse cx='{rng.Next(1000)}' cy='{740 + rng.Next(220)}' rx='{40 + rng.Next(50)}' ")
                    + F($"ry='{12 + rng.Next(12)}' fill='#868e96'/>")
            );
        for (var i = 0; i < 14; i++)
            sb.Append(
                F($"<circle cx='{rng.Next(1000)}' cy='{720 + rng.Next(260)}' r='{8 + rng.Next(10)}' ")
                    + F($"fill='{p[rng.Next(p.Length)]}'/>")
            );
        return 860;
    }

    private static int Planet(StringBuilder sb, Scene scene)
    {
        var rng = scene.Rng;
        Stars(sb, rng, 50);
        sb.Append("<circle cx='200' cy='200' r='70' fill='#ff8fab'/><circle cx='850' cy='140' r='40' fill='#ffd166'/>");
        sb.Append("<path d='M0 660 Q250 600 500 660 T1000 640 V1000 H0Z' fill='#7b2cbf'/>");
        for (var i = 0; i < 7; i++)
            sb.Append(
                F($"<ellipse cx='{rng.Next(1000)}' cy='{740 + rng.Next(220)}' rx='{50 + rng.Next(60)}' ")
                    + F($"ry='{14 + rng.Next(10)}' fill='#c77dff' opacity='0.85'/>")
            );
        return 860;
    }

    private static int Beach(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, dark);
        sb.Append(
            F($"<rect y='560' width='1000' height='160' fill='{p[1]}'/><path d='M0 600 q60 -20 120 0 t120 0 t120 0 ")
                + F($"t120 0 t120 0 t120 0 t120 0 t120 0 t120 0' stroke='#fff' stroke-width='6' fill='none' ")
                + F($"opacity='0.6'/>")
        );
        sb.Append("<path d='M0 700 Q500 650 1000 700 V1000 H0Z' fill='#f2d7a0'/>");
        for (var i = 0; i < 12; i++)
            Shell(sb, rng.Next(1000), 780 + rng.Next(200), p[4]);
        sb.Append(
            "<g transform='translate(120 700)'><path d='M0 0 q-10 -180 30 -300' stroke='#8d6346' stroke-width='22' "
                + "fill='none'/><path d='M30 -300 q-120 -10 -170 60 M30 -300 q120 -20 170 50 M30 -300 q-60 -80 -150 "
                + "-60 M30 -300 q70 -90 160 -60' stroke='#2d6a4f' stroke-width='26' fill='none' "
                + "stroke-linecap='round'/></g>"
        );
        return 860;
    }

    private static int Sea(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        var setting = scene.Setting;
        for (var i = 0; i < 5; i++)
            sb.Append(
                F($"<path d='M{100 + i * 200} 0 L{40 + i * 200} 1000 L{180 + i * 200} 1000Z' fill='#fff' ")
                    + F($"opacity='0.06'/>")
            );
        sb.Append("<path d='M0 760 Q500 700 1000 760 V1000 H0Z' fill='#e9c46a'/>");
        for (var i = 0; i < 9; i++)
            Seaweed(sb, 30 + i * 120 + rng.Next(40), 800 + rng.Next(60), p[2]);
        if (setting == "reef")
            for (var i = 0; i < 8; i++)
                Coral(sb, rng.Next(1000), 820 + rng.Next(120), p[rng.Next(2, 5)]);
        for (var i = 0; i < 6; i++)
            Fish(sb, rng.Next(900) + 50, 120 + rng.Next(450), p[4]);
        for (var i = 0; i < 25; i++)
            sb.Append(
                F($"<circle cx='{rng.Next(1000)}' cy='{rng.Next(800)}' r='{4 + rng.Next(10)}' fill='none' ")
                    + F($"stroke='#fff' stroke-width='3' opacity='0.6'/>")
            );
        return 870;
    }

    private static int Jungle(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        sb.Append(F($"<rect y='720' width='1000' height='280' fill='{p[0]}'/>"));
        for (var i = 0; i < 12; i++)
            Fern(sb, rng.Next(1000), 760 + rng.Next(60), 0.7 + rng.NextDouble() * 0.7, i % 2 == 0 ? p[1] : p[2]);
        return 880;
    }

    private static int Volcano(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, true);
        sb.Append(
            "<path d='M250 720 L440 330 L560 330 L750 720Z' fill='#6b4226'/><path d='M440 330 q60 40 120 0 l-20 80 "
                + "q-40 -20 -80 0z' fill='#e85d04'/>"
        );
        sb.Append(
            "<circle cx='480' cy='260' r='50' fill='#adb5bd' opacity='0.8'/><circle cx='540' cy='200' r='65' "
                + "fill='#ced4da' opacity='0.8'/><circle cx='600' cy='130' r='80' fill='#dee2e6' opacity='0.8'/>"
        );
        sb.Append(F($"<path d='M0 700 Q500 650 1000 700 V1000 H0Z' fill='{p[1]}'/>"));
        return 870;
    }

    private static int Valley(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, dark);
        sb.Append(
            F($"<path d='M0 600 Q300 520 600 600 T1000 560 V1000 H0Z' fill='{p[2]}'/><path d='M0 720 Q500 680 1000 ")
                + F($"720 V1000 H0Z' fill='{p[1]}'/>")
        );
        sb.Append("<ellipse cx='820' cy='800' rx='140' ry='40' fill='#bc6c25'/>");
        foreach (var (ex, c) in new[] { (770, "#f2e8cf"), (830, "#e9c46a"), (880, "#f4a261") })
            sb.Append(F($"<ellipse cx='{ex}' cy='760' rx='38' ry='52' fill='{c}' stroke='#7f5539' stroke-width='3'/>"));
        return 870;
    }

    private static int Village(StringBuilder sb, Scene scene)
    {
        var dark = scene.Dark;
        var p = scene.Palette;
        var rng = scene.Rng;
        Clouds(sb, rng, dark);
        sb.Append(F($"<path d='M0 680 Q500 640 1000 680 V1000 H0Z' fill='{p[4]}'/>"));
        for (var i = 0; i < 4; i++)
            House(sb, 60 + i * 240, 680, p[i % p.Length], dark);
        return 870;
    }

    private static int Castle(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        sb.Append(
            "<ellipse cx='500' cy='700' rx='520' ry='90' fill='#fff' opacity='0.9'/><ellipse cx='250' cy='680' "
                + "rx='200' ry='70' fill='#fff'/><ellipse cx='760' cy='690' rx='230' ry='80' fill='#fff'/>"
        );
        sb.Append(
            F($"<rect x='330' y='330' width='340' height='340' fill='{p[2]}'/><rect x='280' y='230' width='90' ")
                + F($"height='440' fill='{p[1]}'/><rect x='630' y='230' width='90' height='440' fill='{p[1]}'/>")
        );
        sb.Append(
            F($"<path d='M270 240 L325 130 L380 240Z M620 240 L675 130 L730 240Z M440 340 L500 220 L560 340Z' ")
                + F($"fill='{p[0]}'/><path d='M460 670 v-110 a40 40 0 0 1 80 0 v110z' fill='{p[0]}'/>")
        );
        sb.Append("<path d='M0 760 Q500 720 1000 760 V1000 H0Z' fill='#f8f9fa'/>");
        return 880;
    }

    private static int Plain(StringBuilder sb, Scene scene)
    {
        var p = scene.Palette;
        sb.Append(F($"<rect y='720' width='1000' height='280' fill='{p[1]}'/>"));
        return 860;
    }

    private static void DrawChild(StringBuilder sb, int x, int ground, ChildLook look, string mood)
    {
        var y = ground - 330; // top of the head
        sb.Append(F($"<g transform='translate({x} {y})'>"));
        sb.Append("<ellipse cx='0' cy='330' rx='90' ry='16' fill='#000' opacity='0.15'/>");
        if (look.HairStyle == "long")
            sb.Append(F($"<path d='M-70 40 Q-90 170 -50 200 L50 200 Q90 170 70 40Z' fill='{look.Hair}'/>"));
        sb.Append(
            F($"<rect x='-42' y='225' width='34' height='90' rx='14' fill='{look.Trousers}'/><rect x='8' y='225' ")
                + F($"width='34' height='90' rx='14' fill='{look.Trousers}'/>")
        );
        sb.Append(
            "<ellipse cx='-26' cy='318' rx='30' ry='14' fill='#fff'/><ellipse cx='26' cy='318' rx='30' ry='14' "
                + "fill='#fff'/>"
        );
        sb.Append(F($"<path d='M-60 130 Q0 110 60 130 L70 240 L-70 240Z' fill='{look.Shirt}'/>"));
        sb.Append(
            "<path d='M0 165 l9 18 20 3 -15 14 4 20 -18 -10 -18 10 4 -20 -15 -14 20 -3z' fill='#fff' opacity='0.9'/>"
        );
        var armUp = mood is "joyful" or "excited" or "happy" or "proud" or "delighted";
        sb.Append(
            armUp
                ? F($"<path d='M-58 140 Q-110 90 -120 40' stroke='{look.Shirt}' stroke-width='30' ")
                    + F($"stroke-linecap='round' fill='none'/><circle cx='-120' cy='36' r='17' fill='{look.Skin}'/>")
                    + F($"<path d='M58 140 Q110 90 120 40' stroke='{look.Shirt}' stroke-width='30' ")
                    + F($"stroke-linecap='round' fill='none'/><circle cx='120' cy='36' r='17' fill='{look.Skin}'/>")
                : F($"<path d='M-58 140 Q-90 190 -80 240' stroke='{look.Shirt}' stroke-width='30' ")
                    + F($"stroke-linecap='round' fill='none'/><circle cx='-80' cy='246' r='17' fill='{look.Skin}'/>")
                    + F($"<path d='M58 140 Q90 190 80 240' stroke='{look.Shirt}' stroke-width='30' ")
                    + F($"stroke-linecap='round' fill='none'/><circle cx='80' cy='246' r='17' fill='{look.Skin}'/>")
        );
        sb.Append(
            F($"<rect x='-14' y='100' width='28' height='30' fill='{look.Skin}'/><circle cx='0' cy='60' r='68' ")
                + F($"fill='{look.Skin}'/>")
        );
        sb.Append(
            look.HairStyle switch
            {
                "curly" => F(
                    $"<g fill='{look.Hair}'><circle cx='-50' cy='10' r='30'/><circle cx='-15' cy='-8' r='32'/>"
                )
                    + F($"<circle cx='25' cy='-6' r='32'/><circle cx='55' cy='15' r='28'/><circle cx='-66' cy='45' ")
                    + F($"r='22'/><circle cx='66' cy='45' r='22'/></g>"),
                "pigtails" => F(
                    $"<path d='M-68 50 Q-70 -20 0 -12 Q70 -20 68 50 Q40 10 0 12 Q-40 10 -68 50Z' fill='{look.Hair}'/>"
                )
                    + F($"<circle cx='-86' cy='60' r='26' fill='{look.Hair}'/><circle cx='86' cy='60' r='26' ")
                    + F($"fill='{look.Hair}'/>"),
                "bun" => F(
                    $"<circle cx='0' cy='-22' r='30' fill='{look.Hair}'/><path d='M-68 50 Q-70 -20 0 -12 Q70 -20 68 "
                ) + F($"50 Q40 10 0 12 Q-40 10 -68 50Z' fill='{look.Hair}'/>"),
                _ => F(
                    $"<path d='M-68 50 Q-70 -20 0 -12 Q70 -20 68 50 Q50 15 10 14 Q-40 10 -68 50Z' fill='{look.Hair}'/>"
                ),
            }
        );
        Face(sb, 0, 62, mood, 1.0);
        sb.Append("</g>");
    }

    private static void Face(StringBuilder sb, double cx, double cy, string mood, double s)
    {
        sb.Append(
            F($"<circle cx='{cx - 22 * s}' cy='{cy - 6 * s}' r='{7 * s}' fill='#222'/><circle cx='{cx + 22 * s}' ")
                + F($"cy='{cy - 6 * s}' r='{7 * s}' fill='#222'/>")
        );
        sb.Append(
            F($"<circle cx='{cx - 20 * s}' cy='{cy - 9 * s}' r='{2.2 * s}' fill='#fff'/><circle cx='{cx + 24 * s}' ")
                + F($"cy='{cy - 9 * s}' r='{2.2 * s}' fill='#fff'/>")
        );
        sb.Append(
            F($"<circle cx='{cx - 38 * s}' cy='{cy + 14 * s}' r='{10 * s}' fill='#ff8fa3' opacity='0.5'/><circle ")
                + F($"cx='{cx + 38 * s}' cy='{cy + 14 * s}' r='{10 * s}' fill='#ff8fa3' opacity='0.5'/>")
        );
        sb.Append(
            mood switch
            {
                "scared" or "surprised" or "suspense" or "tense" or "amazed" or "wonder" => F(
                    $"<ellipse cx='{cx}' cy='{cy + 22 * s}' rx='{8 * s}' ry='{11 * s}' fill='#6a040f'/>"
                ),
                "worried" or "uneasy" => F(
                    $"<path d='M{cx - 14 * s} {cy + 26 * s} Q{cx} {cy + 16 * s} {cx + 14 * s} {cy + 26 * s}' "
                ) + F($"stroke='#6a040f' stroke-width='{4 * s}' fill='none' stroke-linecap='round'/>"),
                _ => F($"<path d='M{cx - 18 * s} {cy + 16 * s} Q{cx} {cy + 34 * s} {cx + 18 * s} {cy + 16 * s}' ")
                    + F($"stroke='#6a040f' stroke-width='{4 * s}' fill='none' stroke-linecap='round'/>"),
            }
        );
    }

    private static void DrawCompanion(StringBuilder sb, int x, int ground, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<g transform='translate({x} {ground})'><ellipse cx='0' cy='0' rx='80' ry='12' fill='#000' ")
                + F($"opacity='0.15'/>")
        );
        switch (kind)
        {
            case "robot":
                Robot(sb, kind, colour, mood);
                break;
            case "dolphin":
                Dolphin(sb, kind, colour, mood);
                break;
            case "owl":
                Owl(sb, kind, colour, mood);
                break;
            case "dragon":
            case "dinosaur":
                Reptile(sb, kind, colour, mood);
                break;
            case "cat":
            case "rabbit":
            case "bear":
            case "dog":
            default:
                FourLegged(sb, kind, colour, mood);
                break;
        }
        sb.Append("</g>");
    }

    private static void Robot(StringBuilder sb, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<rect x='-12' y='-40' width='24' height='40' fill='#6c757d'/><rect x='-60' y='-150' ")
                + F($"width='120' height='110' rx='18' fill='{colour}'/><rect x='-50' y='-240' width='100' ")
                + F($"height='80' rx='20' fill='{colour}'/>")
        );
        sb.Append(
            "<line x1='0' y1='-240' x2='0' y2='-275' stroke='#495057' stroke-width='6'/><circle cx='0' "
                + "cy='-280' r='10' fill='#ff595e'/><rect x='-35' y='-120' width='70' height='30' rx='6' "
                + "fill='#212529'/><circle cx='-15' cy='-105' r='6' fill='#80ed99'/><circle cx='15' "
                + "cy='-105' r='6' fill='#ffd166'/>"
        );
        Face(sb, 0, -200, mood, 0.8);
    }

    private static void Dolphin(StringBuilder sb, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<path d='M-110 -60 Q-40 -170 70 -110 Q110 -90 120 -60 Q60 -70 -20 -40 Q-70 -30 -110 -60Z' ")
                + F($"fill='{colour}'/><path d='M-10 -150 l30 -40 10 45z' fill='{colour}'/><path d='M-105 ")
                + F($"-62 l-40 -30 5 45z' fill='{colour}'/>")
        );
        sb.Append(
            "<circle cx='70' cy='-100' r='7' fill='#222'/><path d='M95 -78 q10 8 22 2' stroke='#222' "
                + "stroke-width='3' fill='none'/>"
        );
    }

    private static void Owl(StringBuilder sb, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<ellipse cx='0' cy='-80' rx='60' ry='80' fill='{colour}'/><ellipse cx='0' cy='-60' rx='40' ")
                + F($"ry='50' fill='#f1e3d3'/><path d='M-50 -150 l10 -35 20 25z M50 -150 l-10 -35 -20 25z' ")
                + F($"fill='{colour}'/>")
        );
        sb.Append(
            "<circle cx='-22' cy='-120' r='20' fill='#fff'/><circle cx='22' cy='-120' r='20' fill='#fff'/>"
                + "<circle cx='-22' cy='-120' r='9' fill='#222'/><circle cx='22' cy='-120' r='9' "
                + "fill='#222'/><path d='M-8 -100 l8 14 8 -14z' fill='#f4a261'/>"
        );
    }

    private static void Reptile(StringBuilder sb, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<path d='M-60 -60 Q-140 -40 -170 -90 Q-120 -70 -70 -90Z' fill='{colour}'/><ellipse ")
                + F($"cx='-10' cy='-80' rx='80' ry='60' fill='{colour}'/>")
        );
        sb.Append(
            F($"<rect x='-50' y='-40' width='26' height='40' rx='10' fill='{colour}'/><rect x='20' y='-40' ")
                + F($"width='26' height='40' rx='10' fill='{colour}'/><path d='M40 -110 Q60 -180 80 -190' ")
                + F($"stroke='{colour}' stroke-width='46' stroke-linecap='round' fill='none'/><ellipse ")
                + F($"cx='95' cy='-200' rx='55' ry='42' fill='{colour}'/>")
        );
        sb.Append(
            "<path d='M-60 -135 l15 -25 15 22 15 -25 15 22 15 -24 12 24' stroke='#ffb703' stroke-width='10' "
                + "fill='none' stroke-linejoin='round'/>"
        );
        if (kind == "dragon")
            sb.Append("<path d='M-30 -130 Q-100 -230 -20 -200 Q0 -170 -10 -130Z' fill='#ffb703' opacity='0.9'/>");
        Face(sb, 100, -205, mood, 0.6);
    }

    private static void FourLegged(StringBuilder sb, string kind, string colour, string mood)
    {
        sb.Append(
            F($"<ellipse cx='0' cy='-55' rx='75' ry='55' fill='{colour}'/><rect x='-55' y='-30' width='24' ")
                + F($"height='30' rx='10' fill='{colour}'/><rect x='30' y='-30' width='24' height='30' ")
                + F($"rx='10' fill='{colour}'/>")
        );
        sb.Append(F($"<circle cx='10' cy='-145' r='58' fill='{colour}'/>"));
        sb.Append(
            kind switch
            {
                "cat" => F($"<path d='M-40 -180 l5 -50 35 30z M60 -180 l-5 -50 -35 30z' fill='{colour}'/><path ")
                    + F($"d='M-75 -40 Q-130 -80 -110 -150' stroke='{colour}' stroke-width='16' fill='none' ")
                    + F($"stroke-linecap='round'/>"),
                "rabbit" => F($"<ellipse cx='-12' cy='-230' rx='16' ry='55' fill='{colour}'/><ellipse cx='32' ")
                    + F($"cy='-230' rx='16' ry='55' fill='{colour}'/><ellipse cx='-12' cy='-230' rx='7' ")
                    + F($"ry='40' fill='#ffc2d1'/><ellipse cx='32' cy='-230' rx='7' ry='40' ")
                    + F($"fill='#ffc2d1'/><circle cx='-78' cy='-60' r='18' fill='#fff'/>"),
                "bear" => F($"<circle cx='-35' cy='-195' r='20' fill='{colour}'/><circle cx='55' cy='-195' r='20' ")
                    + F($"fill='{colour}'/><ellipse cx='10' cy='-128' rx='26' ry='18' fill='#f1e3d3'/>"),
                _ => F($"<ellipse cx='-44' cy='-150' rx='18' ry='42' fill='#6b4f3a'/><ellipse cx='64' cy='-150' ")
                    + F($"rx='18' ry='42' fill='#6b4f3a'/><path d='M-72 -70 Q-110 -110 -95 -130' ")
                    + F($"stroke='{colour}' stroke-width='14' fill='none' stroke-linecap='round'/>"),
            }
        );
        sb.Append("<ellipse cx='10' cy='-132' rx='9' ry='7' fill='#222'/>");
        Face(sb, 10, -155, mood, 0.6);
    }

    private static void DrawCreature(StringBuilder sb, int x, int ground, string colour)
    {
        sb.Append(
            F($"<g transform='translate({x} {ground})'><ellipse cx='0' cy='0' rx='55' ry='10' fill='#000' ")
                + F($"opacity='0.15'/><ellipse cx='0' cy='-55' rx='55' ry='50' fill='{colour}'/><circle cx='0' ")
                + F($"cy='-120' r='40' fill='{colour}'/>")
        );
        sb.Append(
            "<path d='M-20 -155 l10 -25 10 22z' fill='#fff'/><circle cx='-14' cy='-122' r='9' fill='#222'/><circle "
                + "cx='14' cy='-122' r='9' fill='#222'/><circle cx='-11' cy='-125' r='3' fill='#fff'/><circle "
                + "cx='17' cy='-125' r='3' fill='#fff'/><path d='M-8 -102 q8 8 16 0' stroke='#222' stroke-width='3' "
                + "fill='none'/></g>"
        );
    }

    private static void DrawHelper(StringBuilder sb, int x, int ground, string colour)
    {
        sb.Append(
            F($"<g transform='translate({x} {ground})'><ellipse cx='0' cy='0' rx='70' ry='12' fill='#000' ")
                + F($"opacity='0.15'/><path d='M-60 0 Q-70 -200 0 -230 Q70 -200 60 0Z' fill='{colour}'/><circle ")
                + F($"cx='0' cy='-260' r='50' fill='#f1e3d3'/>")
        );
        sb.Append(
            "<path d='M-40 -240 Q0 -170 40 -240 Q20 -215 0 -215 Q-20 -215 -40 -240Z' fill='#e9ecef'/><circle "
                + "cx='-18' cy='-268' r='6' fill='#222'/><circle cx='18' cy='-268' r='6' fill='#222'/><path d='M-55 "
                + "-290 Q0 -360 55 -290Z' fill='#7b2cbf'/>"
        );
        sb.Append("<circle cx='0' cy='-335' r='8' fill='#ffd166'/></g>");
    }

    /// <summary>Props lying in the scene (an obstacle, a ball) go where nobody stands, behind the figures.</summary>
    private static bool Lies(string prop) => prop is "obstacle" or "ball";

    /// <summary>A prop: lying ones at the widest free spot on the ground; held ones (treasure, map, light, gift) in
    /// front of the child, on the side the child faces.</summary>
    private static void DrawProp(StringBuilder sb, string prop, SceneLayout.Layout layout, string[] p)
    {
        var ground = layout.Ground;
        var (hx, hy, dir, s) = HeldAt(layout);
        switch (prop)
        {
            case "treasure":
                sb.Append(
                    F($"<circle cx='{hx:0}' cy='{hy:0}' r='90' fill='url(#glow)'/><path ")
                        + F($"transform='translate({hx:0} {hy:0})' d='M0 -40 l12 26 28 4 -20 20 5 28 ")
                        + F($"-25 -13 -25 13 5 -28 -20 -20 28 -4z' fill='#ffd166' stroke='#f4a261' stroke-width='4'/>")
                );
                break;
            case "map":
                sb.Append(
                    F($"<g transform='translate({hx - 75 + 40 * dir:0} {ground - 190 * s:0}) rotate({-8 * dir})'>")
                        + F($"<rect width='150' height='110' fill='#f2e2ba' stroke='#b08968' stroke-width='5'/>")
                        + F($"<path d='M15 90 q40 -60 70 -20 t50 -50' stroke='#bc4749' stroke-width='5' ")
                        + F($"stroke-dasharray='10 8' fill='none'/><path d='M120 20 l12 12 m0 -12 l-12 12' ")
                        + F($"stroke='#bc4749' stroke-width='5'/></g>")
                );
                break;
            case "light":
                sb.Append(
                    F($"<circle cx='{hx:0}' cy='{hy:0}' r='110' fill='url(#glow)'/><rect x='{hx - 20:0}' ")
                        + F($"y='{hy - 30:0}' width='40' height='55' rx='8' fill='#ffd166' stroke='#6c584c' ")
                        + F($"stroke-width='5'/>")
                );
                break;
            case "gift":
                sb.Append(
                    F($"<ellipse cx='{hx:0}' cy='{ground - 150 * s:0}' rx='26' ry='18' fill='{p[4]}' stroke='#fff' ")
                        + F($"stroke-width='4'/>")
                );
                break;
            case "obstacle":
                var ox = FreeSpot(layout, 160);
                sb.Append(
                    F($"<g transform='translate({ox:0} {ground:0})'><ellipse cx='0' cy='-60' rx='160' ry='70' ")
                        + F($"fill='{p[0]}' opacity='0.95'/><ellipse cx='-40' cy='-110' rx='90' ry='50' ")
                        + F($"fill='{p[0]}'/><path d='M-120 -60 q60 -20 120 5 t110 -10' stroke='#fff' ")
                        + F($"stroke-width='5' opacity='0.3' fill='none'/></g>")
                );
                break;
            case "ball":
                var bx = FreeSpot(layout, 40);
                sb.Append(
                    F($"<circle cx='{bx:0}' cy='{ground - 40:0}' r='38' fill='{p[3]}'/><path ")
                        + F($"d='M{bx - 38:0} {ground - 40:0} h76 M{bx:0} {ground - 78:0} v76' stroke='#fff' ")
                        + F($"stroke-width='6'/>")
                );
                break;
        }
    }

    /// <summary>Where the child holds a prop: beside the head on the side it faces (the page's middle without a
    /// child); the direction it faces and its scale.</summary>
    private static (double X, double Y, int Dir, double Scale) HeldAt(SceneLayout.Layout layout)
    {
        var child = layout.Figures.FirstOrDefault(f => f.Kind == "child")
            ?? (layout.Figures.Count > 0 ? layout.Figures[0] : null);
        if (child is null)
            return (500, layout.Ground - 260, 1, 1);
        var dir = child.FacingLeft ? -1 : 1;
        var s = child.Scale;
        return (dir > 0 ? child.Head.X1 + 30 * s : child.Head.X0 - 30 * s, child.Head.Y0 + 70 * s, dir, s);
    }

    /// <summary>The point on the ground farthest from every figure (a prop of this half-width stays on the
    /// page).</summary>
    private static double FreeSpot(SceneLayout.Layout layout, double halfWidth)
    {
        var best = 500.0;
        var bestDistance = double.MinValue;
        for (var x = halfWidth + 20; x <= 980 - halfWidth; x += 10)
        {
            var distance =
                layout.Figures.Count == 0 ? 0 : layout.Figures.Min(f => Math.Max(f.Body.X0 - x, x - f.Body.X1));
            if (distance > bestDistance)
                (best, bestDistance) = (x, distance);
        }
        return best;
    }

    private static void Stars(StringBuilder sb, Random rng, int count)
    {
        for (var i = 0; i < count; i++)
            Star(sb, rng.Next(1000), rng.Next(650), 2 + rng.Next(4));
    }

    private static void Star(StringBuilder sb, int x, int y, int r) =>
        sb.Append(F($"<circle cx='{x}' cy='{y}' r='{r}' fill='#fff' opacity='0.9'/>"));

    private static void Clouds(StringBuilder sb, Random rng, bool dark)
    {
        for (var i = 0; i < 3; i++)
        {
            var x = 80 + i * 300 + rng.Next(80);
            var y = 120 + rng.Next(180);
            sb.Append(
                F($"<g fill='#fff' opacity='{(dark ? 0.25 : 0.9)}'><ellipse cx='{x}' cy='{y}' rx='80' ry='34'/>")
                    + F($"<ellipse cx='{x + 50}' cy='{y - 20}' rx='55' ry='38'/><ellipse cx='{x - 45}' ")
                    + F($"cy='{y - 10}' rx='45' ry='28'/></g>")
            );
        }
    }

    private static void Tree(StringBuilder sb, int x, int ground, double s, string colour) =>
        sb.Append(
            F($"<g transform='translate({x} {ground}) scale({s})'><rect x='-18' y='-220' width='36' height='220' ")
                + F($"fill='#7f5539'/><circle cx='0' cy='-260' r='95' fill='{colour}'/><circle cx='-60' cy='-210' ")
                + F($"r='60' fill='{colour}'/><circle cx='60' cy='-210' r='60' fill='{colour}'/></g>")
        );

    private static void Flower(StringBuilder sb, int x, int y, string colour) =>
        sb.Append(
            F($"<g transform='translate({x} {y})'><line x1='0' y1='0' x2='0' y2='24' stroke='#2d6a4f' ")
                + F($"stroke-width='3'/><circle cx='-6' cy='0' r='6' fill='{colour}'/><circle cx='6' cy='0' r='6' ")
                + F($"fill='{colour}'/><circle cx='0' cy='-6' r='6' fill='{colour}'/><circle cx='0' cy='6' r='6' ")
                + F($"fill='{colour}'/><circle r='4' fill='#fff3b0'/></g>")
        );

    private static void Shell(StringBuilder sb, int x, int y, string colour) =>
        sb.Append(
            F($"<path transform='translate({x} {y})' d='M-18 0 Q0 -30 18 0Z' fill='{colour}' stroke='#fff' ")
                + F($"stroke-width='2'/>")
        );

    private static void Seaweed(StringBuilder sb, int x, int y, string colour) =>
        sb.Append(
            F($"<path d='M{x} {y} q-30 -80 0 -160 t0 -160' stroke='{colour}' stroke-width='18' fill='none' ")
                + F($"stroke-linecap='round'/>")
        );

    private static void Coral(StringBuilder sb, int x, int y, string colour) =>
        sb.Append(
            F($"<path d='M{x} {y} v-70 m0 30 l-30 -40 m30 20 l28 -45' stroke='{colour}' stroke-width='16' ")
                + F($"fill='none' stroke-linecap='round'/>")
        );

    private static void Fish(StringBuilder sb, int x, int y, string colour) =>
        sb.Append(
            F($"<g transform='translate({x} {y})'><ellipse rx='34' ry='18' fill='{colour}'/><path d='M30 0 l26 -16 ")
                + F($"v32z' fill='{colour}'/><circle cx='-18' cy='-4' r='4' fill='#222'/></g>")
        );

    private static void Fern(StringBuilder sb, int x, int y, double s, string colour) =>
        sb.Append(
            F($"<g transform='translate({x} {y}) scale({s})' stroke='{colour}' stroke-width='14' fill='none' ")
                + F($"stroke-linecap='round'><path d='M0 0 Q-40 -150 -150 -230'/><path d='M0 0 Q10 -170 40 -280'/>")
                + F($"<path d='M0 0 Q60 -120 170 -190'/></g>")
        );

    private static void House(StringBuilder sb, int x, int ground, string colour, bool dark) =>
        sb.Append(
            F($"<g transform='translate({x} {ground})'><rect x='0' y='-160' width='160' height='160' ")
                + F($"fill='{colour}'/><path d='M-20 -160 L80 -250 L180 -160Z' fill='#9c6644'/><rect x='60' ")
                + F($"y='-80' width='40' height='80' fill='#6c584c'/><rect x='20' y='-130' width='36' height='36' ")
                + F($"fill='{(dark ? "#ffd166" : "#caf0f8")}'/><rect x='104' y='-130' width='36' height='36' ")
                + F($"fill='{(dark ? "#ffd166" : "#caf0f8")}'/><circle cx='170' cy='-60' r='12' fill='#ffb703'/></g>")
        );

    // Invariant culture: a German server must not write "0,8" into SVG.
    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
