using System.IO;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

public sealed class RestrictedUnpicklerTests
{
    [Theory]
    [InlineData("malicious_system.pt", "posix.system")]
    [InlineData("malicious_eval.pt", "builtins.eval")]
    public void Refuses_hostile_globals_from_committed_files(string file, string global)
    {
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(CheckpointData.PathOf(file)));

        Assert.Contains($"the global '{global}'", error.Message);
        Assert.Contains("nothing was executed", error.Message);
        Assert.Contains("data.pkl at byte 2", error.Message);
    }

    [Fact]
    public void A_reduce_of_os_system_never_runs()
    {
        using var marker = new TempFile(".txt");
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2]);
        TorchFileWriter.Global(pickle, "os", "system");
        TorchFileWriter.Unicode(pickle, $"touch {marker.Path}");
        pickle.Write([0x85, (byte)'R', (byte)'.']);
        using var file = new TempFile(".pt");
        TorchFileWriter.WriteZip(file.Path, pickle.ToArray());

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("'os.system'", error.Message);
        Assert.False(File.Exists(marker.Path));
    }

    [Theory]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    [InlineData("torch._utils", "_rebuild_from_type_v2")]
    [InlineData("argparse", "Namespace")]
    public void Refuses_every_global_outside_the_allowlist(string module, string name)
    {
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}', (byte)'(']);
        TorchFileWriter.Unicode(pickle, "x");
        TorchFileWriter.Global(pickle, module, name);
        pickle.Write([(byte)')', (byte)'R', (byte)'u', (byte)'.']);
        using var file = new TempFile(".pt");
        TorchFileWriter.WriteZip(file.Path, pickle.ToArray());

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains($"the global '{module}.{name}'", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 4, (byte)'.' }, "pickle protocols above 2")]
    [InlineData(new byte[] { 0x80, 2, (byte)'i', (byte)'.' }, "unsupported pickle opcode 0x69 ('i')")]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 5, (byte)'.' }, "memo slot 5 is read before it is written")]
    [InlineData(new byte[] { 0x80, 2, (byte)'t', (byte)'.' }, "needs a MARK")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 9, 0, 0, 0, (byte)'a' }, "truncated")]
    [InlineData(new byte[] { 0x80, 2, (byte)'.' }, "the pickle stack is empty")]
    [InlineData(new byte[] { 0x80, 2, (byte)']', (byte)'.' }, "holds a list of 0, not a state dict")]
    public void Reports_malformed_pickles(byte[] pickle, string message)
    {
        using var file = new TempFile(".pt");
        TorchFileWriter.WriteZip(file.Path, pickle);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0 }, null)]
    [InlineData(new byte[] { 0xff }, "tensor 'w' has a negative storage offset -1")]
    public void Reads_long1_integers_with_their_sign(byte[] offset, string? message)
    {
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}', (byte)'(']);
        TorchFileWriter.Unicode(pickle, "w");
        TorchFileWriter.Global(pickle, "torch._utils", "_rebuild_tensor_v2");
        pickle.Write([(byte)'(', (byte)'(']);
        TorchFileWriter.Unicode(pickle, "storage");
        TorchFileWriter.Global(pickle, "torch", "FloatStorage");
        TorchFileWriter.Unicode(pickle, "0");
        TorchFileWriter.Unicode(pickle, "cpu");
        pickle.Write([(byte)'K', 3, (byte)'t', (byte)'Q', 0x8a, (byte)offset.Length, .. offset]);
        pickle.Write([(byte)'K', 2, 0x85, (byte)'K', 1, 0x85, 0x89, (byte)')', (byte)'t', (byte)'R', (byte)'u', (byte)'.']);
        using var file = new TempFile(".pt");
        TorchFileWriter.WriteZip(file.Path, pickle.ToArray(), [("0", s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>([1f, 2f, 3f])))]);

        if (message is null)
        {
            using var checkpoint = Checkpoint.Open(file.Path);
            Assert.Equal([2f, 3f], checkpoint.Tensors["w"].ToArray());
        }
        else
        {
            Assert.Contains(message, Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path)).Message);
        }
    }
}
