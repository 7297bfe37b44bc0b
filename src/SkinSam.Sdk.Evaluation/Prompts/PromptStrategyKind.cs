namespace SkinSam.Sdk.Evaluation.Prompts;

/// <summary>How a prompt is derived from the ground-truth mask.</summary>
public enum PromptStrategyKind
{
    /// <summary><c>box</c>: the tight box around the ground truth.</summary>
    Box,

    /// <summary><c>box-jitter</c>: the tight box with each side moved out by a seeded random 0..20 pixels of the 1024 frame (MedSAM's training jitter).</summary>
    BoxJitter,

    /// <summary><c>center</c>: one positive point at the ground truth's interior pixel farthest from its border.</summary>
    Center,

    /// <summary><c>points:K</c>: K positive points drawn (seeded, without replacement) from the ground truth's pixels.</summary>
    Points,

    /// <summary><c>none</c>: no prompt (only models whose manifest says they segment without one).</summary>
    None,
}
