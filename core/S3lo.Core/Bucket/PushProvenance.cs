namespace S3lo.Core.Bucket;

/// <summary>What a history entry records about where a tag's image came from.</summary>
/// <param name="Command"><c>push</c> or <c>copy</c>.</param>
/// <param name="Source">The source reference as the user would read it (<c>TransportReference.Describe()</c>).</param>
public sealed record PushProvenance(string Command, string Source);
