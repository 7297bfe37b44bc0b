using System.Reflection;
using SkinSam.Sdk.Onnx;

namespace SkinSam.Sdk.Reliability.Tests.Onnx;

/// <summary>Reads SamOnnxModel's internal count of pooled tensor buffers rented and not yet returned.</summary>
internal static class PoolAccounting
{
    private static readonly PropertyInfo Property =
        typeof(SamOnnxModel).GetProperty("OutstandingPooledBuffers", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new MissingMemberException(nameof(SamOnnxModel), "OutstandingPooledBuffers");

    public static long Outstanding => (long)Property.GetValue(null)!;
}
