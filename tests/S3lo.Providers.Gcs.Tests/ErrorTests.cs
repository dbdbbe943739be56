using System.Net;
using Google;
using Google.Apis.Requests;
using S3lo.Core.Errors;

namespace S3lo.Providers.Gcs.Tests;

/// <summary>The errors the emulator cannot produce (it has no IAM), mapped from what the client throws.</summary>
public sealed class ErrorTests
{
    private static GoogleApiException Api(HttpStatusCode status, string message) => new("storage", message)
    {
        HttpStatusCode = status,
        Error = new RequestError { Code = (int)status, Message = message + "\nsecond line" },
    };

    [Test]
    public void PermissionDeniedIsOneLineNamingTheBucketAndTheAction()
    {
        var e = GcsErrors.Map(Api(HttpStatusCode.Forbidden, "ci@p.iam.gserviceaccount.com does not have storage.objects.create access"),
            "b1", "writing blobs/sha256/x", "https://storage.googleapis.com", CancellationToken.None);

        Assert.That(e, Is.Not.Null);
        Assert.That(e!.Message, Does.StartWith("gs://b1: permission denied while writing blobs/sha256/x: ci@p.iam").And.Not.Contain("\n"));
        Assert.That(e.Hint, Does.Contain("roles/storage.objectAdmin"));
    }

    [Test]
    public void RejectedCredentialsNameWhatToSet()
    {
        var e = GcsErrors.Map(Api(HttpStatusCode.Unauthorized, "Invalid Credentials"), "b1", "listing the bucket", "https://storage.googleapis.com", CancellationToken.None);

        Assert.That(e!.Message, Does.Contain("credentials were rejected").And.Not.Contain("\n"));
        Assert.That(e.Hint, Does.Contain("GOOGLE_APPLICATION_CREDENTIALS").And.Contain("gcloud auth application-default login"));
    }

    [Test]
    public void AMissingBucketOnAnyCallNamesInit()
    {
        var e = GcsErrors.Map(Api(HttpStatusCode.NotFound, "The specified bucket does not exist."), "b1", "writing x", "https://storage.googleapis.com", CancellationToken.None);

        Assert.That(e, Is.InstanceOf<NotFoundException>());
        Assert.That(e!.Hint, Does.Contain("s3lo init gs://b1/"));
    }

    [Test]
    public void ErrorsUsersAlreadyUnderstandAndBugsPassThrough()
    {
        Assert.That(GcsErrors.Map(new S3loException("mine"), "b", "x", "e", CancellationToken.None), Is.Null);
        Assert.That(GcsErrors.Map(new InvalidCastException(), "b", "x", "e", CancellationToken.None), Is.Null);
        Assert.That(GcsErrors.Map(new OperationCanceledException(), "b", "x", "e", CancellationToken.None), Is.Null);
    }
}
