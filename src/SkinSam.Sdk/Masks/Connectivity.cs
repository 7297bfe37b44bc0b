namespace SkinSam.Sdk.Masks;

/// <summary>Which neighbours of a pixel count as connected to it.</summary>
public enum Connectivity
{
    /// <summary>The four pixels that share an edge (scipy's default <c>generate_binary_structure(2, 1)</c>).</summary>
    Four = 4,

    /// <summary>The eight pixels that share an edge or a corner (<c>generate_binary_structure(2, 2)</c>).</summary>
    Eight = 8,
}
