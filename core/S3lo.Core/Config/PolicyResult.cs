namespace S3lo.Core.Config;

/// <summary>One policy checked against one image, with the one-line reason <c>config validate</c> prints.</summary>
public sealed record PolicyResult(string Name, PolicyCheck Check, PolicyOutcome Outcome, string Reason);
