using System.Security.Cryptography;
using System.Text;

namespace SkinSam.Sdk.Models;

/// <summary>
/// Computes <see cref="ModelInfo.Fingerprint"/>: <c>sha256:</c> and the hex SHA-256 over the contract text (family,
/// preprocessing profile, input size, encoder variant) followed by the length and bytes of each model file in order.
/// Two model folders with byte-identical ONNX files and the same contract get the same fingerprint, wherever they are;
/// a changed weight, file or contract changes it.
/// </summary>
internal static class ModelFingerprint
{
    internal const string Prefix = "sha256:";

    internal static string Contract(ModelManifest manifest, EncoderVariant? encoderVariant) =>
        $"skinsam-embedding-contract/1;family={manifest.Family};preprocessing={manifest.Preprocessing};inputSize={manifest.InputSize};encoder={encoderVariant}";

    internal static string Compute(string contract, params string[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(contract));
        byte[] buffer = new byte[1 << 20];
        Span<byte> length = stackalloc byte[8];
        foreach (string file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
            hash.AppendData(length);
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer.AsSpan(0, n));
            }
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    internal static string OfText(string text) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The first 12 hex digits, enough to tell models apart in a message.</summary>
    internal static string Short(string fingerprint) =>
        fingerprint.StartsWith(Prefix, StringComparison.Ordinal) && fingerprint.Length >= Prefix.Length + 12 ? fingerprint[..(Prefix.Length + 12)] : fingerprint;
}
