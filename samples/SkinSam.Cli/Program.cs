using System.CommandLine;
using SkinSam.Cli.Commands;

var root = new RootCommand("skinsam: skin-lesion segmentation with Segment Anything (SAM) family models on ONNX Runtime.");
root.Subcommands.Add(SegmentCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
