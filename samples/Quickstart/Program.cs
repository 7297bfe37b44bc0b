// The README's quickstart. Run from the repository root: dotnet run --project samples/Quickstart
using SkinSam.Sdk.ImageSharp;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;

using var model = SegmentationModels.Load("models/skinsam-tiny");         // encoder.onnx + decoder.onnx + model.json
var image = ImageFile.Load("samples/images/ISIC_0025964.jpg");         // RGB24 pixels, EXIF orientation applied

using var embedding = model.Encode(image);                             // the heavy step: once per image
var result = model.Decode(embedding, SegmentationPrompt.FromBox(70, 45, 125, 100));
Console.WriteLine($"box:    IoU {result.PredictedIou:F3}, area {result.Area} px, bounds {result.BoundingBox}");

var refined = model.Decode(embedding, SegmentationPrompt.FromPoint(98, 72).WithMaskInput(result.LowResLogits));
Console.WriteLine($"refine: IoU {refined.PredictedIou:F3}, area {refined.Area} px on {model.Info.ExecutionProvider}");
MaskImage.SavePng(refined.Mask, "out/quickstart.mask.png");
MaskImage.SaveOverlay(image, refined.Mask, "out/quickstart.overlay.png");
