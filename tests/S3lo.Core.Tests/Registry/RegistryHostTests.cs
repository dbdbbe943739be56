using S3lo.Core.Errors;
using S3lo.Core.Registry;

namespace S3lo.Core.Tests.Registry;

/// <summary>Registry hosts the pattern alone would accept: ports outside 1-65535, bracketed text that is no IPv6 address.</summary>
[TestFixture]
public class RegistryHostTests
{
    [TestCase("localhost:99999/a:1", "invalid registry host 'localhost:99999' in reference 'localhost:99999/a:1': port 99999 is not between 1 and 65535")]
    [TestCase("localhost:0/a:1", "invalid registry host 'localhost:0' in reference 'localhost:0/a:1': port 0 is not between 1 and 65535")]
    [TestCase("reg.example.com:65536/a:1", "invalid registry host 'reg.example.com:65536' in reference 'reg.example.com:65536/a:1': port 65536 is not between 1 and 65535")]
    [TestCase("[::1]:00000/a:1", "invalid registry host '[::1]:00000' in reference '[::1]:00000/a:1': port 0 is not between 1 and 65535")]
    [TestCase("[1::2::3]/a:1", "invalid registry host '[1::2::3]' in reference '[1::2::3]/a:1': '1::2::3' is not an IPv6 address")]
    [TestCase("[::1/a:1", "invalid registry host '[::1' in reference '[::1/a:1'")]
    public void BadHostIsAUsageError(string text, string message)
    {
        var e = Assert.Throws<UsageException>(() => RegistryReference.Parse(text));
        Assert.That(e!.Message, Is.EqualTo(message));
        Assert.That(e.Hint, Is.EqualTo("a registry is a host name or IP address with an optional :PORT, e.g. ghcr.io or 127.0.0.1:5000"));
    }

    [TestCase("localhost:1/a:1", "localhost:1")]
    [TestCase("127.0.0.1:65535/a:1", "127.0.0.1:65535")]
    [TestCase("[::1]:5000/a:1", "[::1]:5000")]
    [TestCase("[fe80::1]/a:1", "[fe80::1]")]
    public void GoodHostIsKept(string text, string registry) =>
        Assert.That(RegistryReference.Parse(text).Registry, Is.EqualTo(registry));
}
