using S3lo.Cli.Hosting;
using S3lo.Core.Errors;

namespace S3lo.Cli.Tests;

/// <summary>Core's exceptions carry no exit code: the CLI maps bad input to 2 and every other reported failure to 1.</summary>
public sealed class ExitCodesTests
{
    [Test]
    public void BadInputIsAUsageError() =>
        Assert.That(ExitCodes.For(new UsageException("bad reference")), Is.EqualTo(2));

    [Test]
    public void AMissingTagIsAFailedOperation() =>
        Assert.That(ExitCodes.For(new NotFoundException("app:v1 not found")), Is.EqualTo(1));

    [Test]
    public void AnyOtherReportedFailureIsAFailedOperation() =>
        Assert.That(ExitCodes.For(new S3loException("upload broke")), Is.EqualTo(1));
}
