
namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>A 3 x 5 pixel font (lower-case letters, digits, a little punctuation) for chart labels without a font engine.</summary>
internal static class PixelFont
{
    public const int GlyphWidth = 3;
    public const int GlyphHeight = 5;

    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "###/#.#/#.#/#.#/###", ['1'] = ".#./##./.#./.#./###", ['2'] = "###/..#/###/#../###", ['3'] = "###/..#/###/..#/###",
        ['4'] = "#.#/#.#/###/..#/..#", ['5'] = "###/#../###/..#/###", ['6'] = "###/#../###/#.#/###", ['7'] = "###/..#/..#/..#/..#",
        ['8'] = "###/#.#/###/#.#/###", ['9'] = "###/#.#/###/..#/###",
        ['a'] = ".#./#.#/###/#.#/#.#", ['b'] = "##./#.#/##./#.#/##.", ['c'] = ".##/#../#../#../.##", ['d'] = "##./#.#/#.#/#.#/##.",
        ['e'] = "###/#../##./#../###", ['f'] = "###/#../##./#../#..", ['g'] = ".##/#../#.#/#.#/.##", ['h'] = "#.#/#.#/###/#.#/#.#",
        ['i'] = "###/.#./.#./.#./###", ['j'] = "..#/..#/..#/#.#/.#.", ['k'] = "#.#/#.#/##./#.#/#.#", ['l'] = "#../#../#../#../###",
        ['m'] = "#.#/###/###/#.#/#.#", ['n'] = "##./#.#/#.#/#.#/#.#", ['o'] = ".#./#.#/#.#/#.#/.#.", ['p'] = "##./#.#/##./#../#..",
        ['q'] = ".#./#.#/#.#/##./.##", ['r'] = "##./#.#/##./#.#/#.#", ['s'] = ".##/#../.#./..#/##.", ['t'] = "###/.#./.#./.#./.#.",
        ['u'] = "#.#/#.#/#.#/#.#/###", ['v'] = "#.#/#.#/#.#/#.#/.#.", ['w'] = "#.#/#.#/###/###/#.#", ['x'] = "#.#/#.#/.#./#.#/#.#",
        ['y'] = "#.#/#.#/.#./.#./.#.", ['z'] = "###/..#/.#./#../###",
        ['.'] = ".../.../.../.../.#.", ['-'] = ".../.../###/.../...", ['/'] = "..#/..#/.#./#../#..", ['('] = ".#./#../#../#../.#.",
        [')'] = ".#./..#/..#/..#/.#.", [':'] = ".../.#./.../.#./...", ['='] = ".../###/.../###/...", ['_'] = ".../.../.../.../###",
        ['+'] = ".../.#./###/.#./...", ['%'] = "#.#/..#/.#./#../#.#",
    };

    public static int Measure(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (GlyphWidth + 1) * scale) - scale;

    public static void Draw(PlotCanvas canvas, int x, int y, string text, PlotColor color, int scale)
    {
        int cx = x;
        foreach (char raw in text)
        {
            char ch = char.ToLowerInvariant(raw);
            if (Glyphs.TryGetValue(ch, out string? glyph))
            {
                string[] rows = glyph.Split('/');
                for (int gy = 0; gy < GlyphHeight; gy++)
                {
                    for (int gx = 0; gx < GlyphWidth; gx++)
                    {
                        if (rows[gy][gx] == '#')
                        {
                            canvas.FillRect(cx + (gx * scale), y + (gy * scale), scale, scale, color);
                        }
                    }
                }
            }

            cx += (GlyphWidth + 1) * scale;
        }
    }
}
