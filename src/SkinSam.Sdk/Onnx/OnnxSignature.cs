using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SkinSam.Sdk.Onnx;

/// <summary>Reads and checks the inputs and outputs of an ONNX session against an expected tensor signature.</summary>
internal static class OnnxSignature
{
    /// <summary>Renders one tensor signature as <c>name float32 [1,256,64,64]</c> (-1 for a dynamic axis).</summary>
    public static string Describe(string name, NodeMetadata meta)
    {
        string type = meta.IsTensor ? TypeName(meta.ElementDataType) : meta.OnnxValueType.ToString();
        return $"{name} {type} [{string.Join(",", meta.Dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]";
    }

    /// <summary>Renders every entry of an input or output map.</summary>
    public static string DescribeAll(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "(none)" : string.Join(", ", nodes.Select(kv => Describe(kv.Key, kv.Value)));

    /// <summary>Renders an expected signature, -1 meaning any size.</summary>
    public static string DescribeExpected(string name, int[] dims) =>
        $"{name} float32 [{string.Join(",", dims.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]";

    /// <summary>
    /// Checks that <paramref name="nodes"/> holds <paramref name="name"/> as a float32 tensor whose rank equals
    /// <paramref name="dims"/> and whose fixed axes agree (-1 on either side matches anything). Returns the problem, or null.
    /// </summary>
    public static string? Check(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, int[] dims)
    {
        if (!nodes.TryGetValue(name, out NodeMetadata? meta))
        {
            return $"expected {DescribeExpected(name, dims)}; got no '{name}'";
        }

        if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Float)
        {
            return $"expected {DescribeExpected(name, dims)}; got {Describe(name, meta)}";
        }

        int[] actual = meta.Dimensions;
        if (actual.Length != dims.Length)
        {
            return $"expected {DescribeExpected(name, dims)}; got {Describe(name, meta)}";
        }

        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] >= 0 && actual[i] >= 0 && dims[i] != actual[i])
            {
                return $"expected {DescribeExpected(name, dims)}; got {Describe(name, meta)}";
            }
        }

        return null;
    }

    private static string TypeName(TensorElementType t) => t switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "float64",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Bool => "bool",
        _ => t.ToString().ToLowerInvariant(),
    };
}
