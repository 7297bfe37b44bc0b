using System.Globalization;
using System.Text.Json;
using SkinSam.Sdk.Masks;
using Xunit.Abstractions;

namespace SkinSam.Server.Tests.Browser;

/// <summary>
/// The interactive page end to end in a real browser: headless chromium loads the page from the real service, the test
/// chooses the lesion image in the file input, clicks inside the lesion on the canvas, and checks the mask the page got
/// from the decode endpoint against the expert mask. A screenshot is kept under the test output folder.
/// </summary>
/// <remarks>
/// Without a browser the test fails (CI installs chromium in .ci/run), unless SKINSAM_SKIP_BROWSER_TESTS=1 says that this
/// machine cannot have one; then it passes with a note in its output.
/// </remarks>
public sealed class InteractivePageBrowserTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    [Fact]
    [Trait("Category", "Long")]
    public async Task Page_ClickInsideLesion_ShowsAMaskMatchingTheExpertMask()
    {
        string? executable = HeadlessChromium.Find();
        if (executable is null)
        {
            if (HeadlessChromium.OptedOut)
            {
                output.WriteLine($"No chromium found and {HeadlessChromium.OptOutVariable}=1: the browser test did not run.");
                return;
            }

            Assert.Fail($"Expected a headless browser at /usr/bin/chromium (apt-get install chromium) or in {HeadlessChromium.PathVariable}; got none. Set {HeadlessChromium.OptOutVariable}=1 only where no browser can be installed.");
        }

        using HeadlessChromium browser = await HeadlessChromium.StartAsync(executable);
        await using CdpSession page = await CdpSession.ConnectAsync(await browser.FirstPageAsync(), CancellationToken.None);
        await page.SendAsync("Page.enable");
        await page.SendAsync("Runtime.enable");
        await page.SendAsync("Page.navigate", new { url = server.BaseAddress.ToString() });
        await page.WaitUntilAsync("document.readyState === 'complete' && window.skinsam", "document.readyState", TimeSpan.FromSeconds(30));

        // Choose the image in the file input, as a user would; the page encodes it (POST /v1/embeddings).
        JsonElement document = await page.SendAsync("DOM.getDocument");
        JsonElement input = await page.SendAsync("DOM.querySelector", new { nodeId = document.GetProperty("root").GetProperty("nodeId").GetInt32(), selector = "#file" });
        await page.SendAsync("DOM.setFileInputFiles", new { files = new[] { TestImages.ImagePath }, nodeId = input.GetProperty("nodeId").GetInt32() });
        await page.WaitUntilAsync("window.skinsam.state.phase === 'ready' && window.skinsam.state.embeddingId", "JSON.stringify({phase: window.skinsam.state.phase, error: window.skinsam.state.error})", TimeSpan.FromSeconds(60));

        // Click inside the lesion, in page coordinates of the canvas.
        (int x, int y) = TestImages.PointInsideLesion();
        JsonElement rect = await page.EvaluateAsync("(() => { const r = document.getElementById('view').getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}; })()");
        double clickX = rect.GetProperty("left").GetDouble() + ((x + 0.5) / 200.0 * rect.GetProperty("width").GetDouble());
        double clickY = rect.GetProperty("top").GetDouble() + ((y + 0.5) / 150.0 * rect.GetProperty("height").GetDouble());
        await page.SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x = clickX, y = clickY });
        await page.SendAsync("Input.dispatchMouseEvent", new { type = "mousePressed", x = clickX, y = clickY, button = "left", clickCount = 1 });
        await page.SendAsync("Input.dispatchMouseEvent", new { type = "mouseReleased", x = clickX, y = clickY, button = "left", clickCount = 1 });
        await page.WaitUntilAsync("window.skinsam.state.decodes >= 1 && window.skinsam.state.phase === 'ready'", "JSON.stringify({phase: window.skinsam.state.phase, error: window.skinsam.state.error, points: window.skinsam.state.points})", TimeSpan.FromSeconds(60));

        // The mask the page received, against the expert mask.
        JsonElement points = await page.EvaluateAsync("window.skinsam.state.points");
        Assert.Equal(1, points.GetArrayLength());
        Assert.InRange(points[0][0].GetDouble(), x - 1.0, x + 1.5);
        Assert.InRange(points[0][1].GetDouble(), y - 1.0, y + 1.5);
        string base64 = (await page.EvaluateAsync("window.skinsam.maskPngBase64()")).GetString()!;
        BinaryMask mask = TestImages.MaskFromPng(Convert.FromBase64String(base64));
        double dice = TestImages.Dice(mask, TestImages.Truth());

        // Accept: the page keeps the mask for download.
        await page.EvaluateAsync("document.getElementById('accept').click()");
        Assert.Equal(JsonValueKind.False, (await page.EvaluateAsync("document.getElementById('download').disabled")).ValueKind);

        JsonElement shot = await page.SendAsync("Page.captureScreenshot", new { format = "png" });
        string artefacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artefacts);
        string screenshot = Path.Combine(artefacts, "interactive-page-click.png");
        await File.WriteAllBytesAsync(screenshot, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
        output.WriteLine($"Screenshot: {screenshot}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Click at ({x}, {y}); Dice against the expert mask {dice:F3}"));
        Console.WriteLine($"Browser test screenshot: {screenshot}");

        Assert.True(dice >= TestImages.MinDice, string.Create(CultureInfo.InvariantCulture, $"Dice {dice:F3} below {TestImages.MinDice}"));
    }
}
