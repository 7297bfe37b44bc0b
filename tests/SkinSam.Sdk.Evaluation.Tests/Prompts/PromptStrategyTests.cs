using SkinSam.Sdk.Evaluation.Prompts;
using SkinSam.Sdk.Masks;
using SkinSam.Sdk.Prompts;

namespace SkinSam.Sdk.Evaluation.Tests.Prompts;

public sealed class PromptStrategyTests
{
    [Theory]
    [InlineData("box", "box")]
    [InlineData("BOX-JITTER", "box-jitter")]
    [InlineData("centre", "center")]
    [InlineData("points:5", "points:5")]
    [InlineData("none", "none")]
    public void Parse_KnownName_RoundTripsName(string text, string name)
    {
        Assert.Equal(name, PromptStrategy.Parse(text, 7).Name);
    }

    [Theory]
    [InlineData("boxes")]
    [InlineData("points:0")]
    [InlineData("points:x")]
    [InlineData("points:")]
    public void Parse_UnknownName_ThrowsFormatException(string text)
    {
        var ex = Assert.Throws<FormatException>(() => PromptStrategy.Parse(text));
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Box_Mask_IsTightBoxWithExclusiveRightAndBottom()
    {
        var mask = new BinaryMask(30, 20);
        mask[5, 3] = true;
        mask[12, 9] = true;

        PromptBox box = PromptStrategy.Box.Create(mask, "x").Box!.Value;

        Assert.Equal(new PromptBox(5, 3, 13, 10), box);
    }

    [Fact]
    public void BoxJitter_SameSeedAndId_GivesSameBoxWhateverTheOrder()
    {
        BinaryMask mask = FakeDatasets.Lesion(3, 200, 150);
        PromptStrategy strategy = PromptStrategy.BoxJitter(42);
        string[] ids = [.. Enumerable.Range(0, 20).Select(i => $"ISIC_{i:D7}")];

        PromptBox?[] forward = [.. ids.Select(id => strategy.Create(mask, id).Box)];
        PromptBox?[] backward = [.. ids.Reverse().Select(id => PromptStrategy.BoxJitter(42).Create(mask, id).Box).Reverse()];

        Assert.Equal(forward, backward);
        Assert.True(forward.Distinct().Count() > 10, "different ids should draw different jitter");
    }

    [Fact]
    public void BoxJitter_OtherSeed_GivesOtherBoxes()
    {
        BinaryMask mask = FakeDatasets.Lesion(3, 200, 150);
        string[] ids = [.. Enumerable.Range(0, 20).Select(i => $"id{i}")];

        int differing = ids.Count(id => PromptStrategy.BoxJitter(1).Create(mask, id).Box != PromptStrategy.BoxJitter(2).Create(mask, id).Box);

        Assert.True(differing > 10);
    }

    [Fact]
    public void BoxJitter_ManyImages_MovesEachSideOutBy0To20PixelsOfThe1024Frame()
    {
        // A lesion far from the border so no side is clamped: every move is visible whole.
        const int w = 640, h = 480;
        var mask = new BinaryMask(w, h);
        for (int y = 200; y < 260; y++)
        {
            for (int x = 300; x < 380; x++)
            {
                mask[x, y] = true;
            }
        }

        double scale = Math.Max(w, h) / 1024.0;
        var seen = new HashSet<int>();
        for (int i = 0; i < 500; i++)
        {
            PromptBox b = PromptStrategy.BoxJitter(9).Create(mask, $"img{i}").Box!.Value;
            double[] moves1024 = [(300 - b.X0) / scale, (200 - b.Y0) / scale, (b.X1 - 380) / scale, (b.Y1 - 260) / scale];
            foreach (double m in moves1024)
            {
                Assert.InRange(m, -1e-3, 20 + 1e-3);
                Assert.Equal(Math.Round(m), m, 3);
                seen.Add((int)Math.Round(m));
            }
        }

        Assert.Equal(Enumerable.Range(0, 21), seen.Order());
    }

    [Fact]
    public void BoxJitter_LesionAtTheBorder_ClampsToTheImage()
    {
        var mask = new BinaryMask(100, 80);
        for (int y = 0; y < 80; y++)
        {
            for (int x = 0; x < 100; x++)
            {
                mask[x, y] = true;
            }
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(new PromptBox(0, 0, 100, 80), PromptStrategy.BoxJitter(3).Create(mask, $"i{i}").Box);
        }
    }

    [Fact]
    public void Center_Square_IsItsMiddlePixel()
    {
        var mask = new BinaryMask(20, 20);
        for (int y = 4; y < 9; y++)
        {
            for (int x = 3; x < 8; x++)
            {
                mask[x, y] = true;
            }
        }

        PromptPoint p = PromptStrategy.Center.Create(mask, "r").Points.Single();

        Assert.Equal((5f, 6f), (p.X, p.Y));
        Assert.Equal(PointLabel.Positive, p.Label);
    }

    [Fact]
    public void Center_LShape_PicksTheThickArmNotTheBoxCentre()
    {
        // Thick vertical arm 9 wide on the left, thin horizontal arm 2 high at the bottom.
        var mask = new BinaryMask(30, 30);
        for (int y = 2; y < 28; y++)
        {
            for (int x = 2; x < 11; x++)
            {
                mask[x, y] = true;
            }
        }

        for (int y = 26; y < 28; y++)
        {
            for (int x = 2; x < 28; x++)
            {
                mask[x, y] = true;
            }
        }

        (int x0, int y0, double d) = PoleOfInaccessibility.Find(mask);

        Assert.Equal(6, x0);
        Assert.True(mask[x0, y0]);
        Assert.Equal(5.0, d, 9);
    }

    [Fact]
    public void Center_RandomMasks_MatchesBruteForceFarthestPixel()
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 60; trial++)
        {
            int w = random.Next(1, 18), h = random.Next(1, 18);
            var mask = new BinaryMask(w, h);
            for (int i = 0; i < w * h; i++)
            {
                mask.Data[i] = (byte)(random.NextDouble() < 0.7 ? 1 : 0);
            }

            if (mask.Area == 0)
            {
                continue;
            }

            double[] fast = PoleOfInaccessibility.SquaredDistanceToBackground(mask);
            int bestIndex = -1;
            double best = 0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double brute = BruteSquaredDistance(mask, x, y);
                    Assert.Equal(brute, fast[(y * w) + x], 9);
                    if (brute > best)
                    {
                        best = brute;
                        bestIndex = (y * w) + x;
                    }
                }
            }

            (int px, int py, double dist) = PoleOfInaccessibility.Find(mask);
            Assert.Equal(bestIndex, (py * w) + px);
            Assert.True(mask[px, py]);
            Assert.Equal(Math.Sqrt(best), dist, 9);
        }
    }

    [Fact]
    public void Points_SameSeedAndId_GivesKDistinctInteriorPointsDeterministically()
    {
        BinaryMask mask = FakeDatasets.Lesion(5, 60, 40);
        PromptStrategy strategy = PromptStrategy.Parse("points:4", 11);

        IReadOnlyList<PromptPoint> a = strategy.Create(mask, "ISIC_1").Points;
        IReadOnlyList<PromptPoint> b = PromptStrategy.Points(4, 11).Create(mask, "ISIC_1").Points;

        Assert.Equal(a, b);
        Assert.Equal(4, a.Distinct().Count());
        Assert.All(a, p => Assert.True(mask[(int)p.X, (int)p.Y]));
        Assert.NotEqual(a, PromptStrategy.Points(4, 11).Create(mask, "ISIC_2").Points);
    }

    [Fact]
    public void Points_MoreThanTheArea_ReturnsEveryPixelOnce()
    {
        var mask = new BinaryMask(5, 5);
        mask[1, 1] = true;
        mask[3, 2] = true;

        Assert.Equal(2, PromptStrategy.Points(10, 0).Create(mask, "a").Points.Distinct().Count());
    }

    [Fact]
    public void Create_EmptyMask_ThrowsForPromptsThatNeedALesionButNotForNone()
    {
        var mask = new BinaryMask(8, 8);

        Assert.Throws<ArgumentException>(() => PromptStrategy.Box.Create(mask, "e"));
        Assert.Throws<ArgumentException>(() => PromptStrategy.Center.Create(mask, "e"));
        Assert.True(PromptStrategy.None.Create(mask, "e").IsEmpty);
    }

    private static double BruteSquaredDistance(BinaryMask mask, int x, int y)
    {
        if (!mask[x, y])
        {
            return 0;
        }

        double best = double.MaxValue;
        for (int by = -1; by <= mask.Height; by++)
        {
            for (int bx = -1; bx <= mask.Width; bx++)
            {
                bool background = bx < 0 || by < 0 || bx >= mask.Width || by >= mask.Height || !mask[bx, by];
                if (background)
                {
                    best = Math.Min(best, ((bx - x) * (bx - x)) + ((by - y) * (by - y)));
                }
            }
        }

        return best;
    }
}
