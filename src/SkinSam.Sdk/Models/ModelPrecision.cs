namespace SkinSam.Sdk.Models;

/// <summary>
/// How a model folder's weights and inner arithmetic are stored (<c>model.json</c> <c>"precision"</c>). Every precision
/// keeps the float32 inputs and outputs of the ONNX contract, so the SDK feeds and reads all of them the same way;
/// only speed, size and the masks' small differences from fp32 change (docs/models.md, "Precision variants").
/// </summary>
public enum ModelPrecision
{
    /// <summary>Float32 weights and arithmetic, what the exporter writes by default. Manifest name <c>fp32</c> (also when the key is absent).</summary>
    Fp32,

    /// <summary>Weights stored as float16 and cast to float32 in the graph: half the file, float32 arithmetic. Manifest name <c>fp16</c>.</summary>
    Fp16,

    /// <summary>Int8 weights per output channel, activations quantised at run time per tensor (MatMulInteger, ConvInteger). Manifest name <c>int8-dynamic</c>.</summary>
    Int8Dynamic,

    /// <summary>Static QuantizeLinear/DequantizeLinear pairs: int8 weights, uint8 activations with ranges calibrated on a calibration set. Manifest name <c>int8-qdq</c>.</summary>
    Int8Qdq,
}
