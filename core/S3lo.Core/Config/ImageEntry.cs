namespace S3lo.Core.Config;

/// <summary>One entry under <c>images:</c>: an image name or a glob (<c>dev/*</c>, <c>*-cache</c>) and the rules it sets.</summary>
public sealed record ImageEntry(string Pattern, ImageRules Rules);
