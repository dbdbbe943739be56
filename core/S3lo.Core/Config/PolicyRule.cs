namespace S3lo.Core.Config;

/// <summary>One entry of <c>policies:</c>; only the field its <see cref="Check"/> takes is set.</summary>
public sealed record PolicyRule(string Name, PolicyCheck Check)
{
    /// <summary>scan: the highest severity allowed (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL).</summary>
    public string? MaxSeverity { get; init; }

    /// <summary>age: how many days after its push an image still passes.</summary>
    public int? MaxDays { get; init; }

    /// <summary>signed: the key that must have signed the image (a public key file or awskms:// reference).</summary>
    public string? KeyRef { get; init; }

    /// <summary>size: the largest total size (all layers and the config) that passes.</summary>
    public long? MaxBytes { get; init; }
}
