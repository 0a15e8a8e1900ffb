using System;
using System.Collections.Generic;
using System.Text;

namespace QRecipe.Generator.Tests.Harness;

/// <summary>A unified diff of two texts by longest common subsequence over lines, with three lines of context:
/// '-' lines are expected (the baseline), '+' lines received.</summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string expected, string received)
    {
        var a = expected.Split('\n');
        var b = received.Split('\n');
        var edits = Edits(a, b);
        var output = new StringBuilder();
        var i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == ' ')
            {
                i++;
                continue;
            }
            var start = Math.Max(0, i - Context);
            var end = i;
            // Extend the hunk while changes are closer than twice the context.
            while (end < edits.Count)
            {
                var next = end;
                while (next < edits.Count && edits[next].Kind == ' ')
                    next++;
                if (next == edits.Count || next - end > 2 * Context)
                    break;
                while (next < edits.Count && edits[next].Kind != ' ')
                    next++;
                end = next;
            }
            end = Math.Min(edits.Count, end + Context);
            output.Append("@@ expected line ").Append(edits[start].ExpectedLine + 1).Append(" @@\n");
            for (var k = start; k < end; k++)
                output.Append(edits[k].Kind).Append(edits[k].Text).Append('\n');
            i = end;
        }
        return output.ToString();
    }

    private static List<(char Kind, string Text, int ExpectedLine)> Edits(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var x = a.Length - 1; x >= 0; x--)
        {
            for (var y = b.Length - 1; y >= 0; y--)
                lcs[x, y] = a[x] == b[y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
        }
        var edits = new List<(char, string, int)>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (i < a.Length && j < b.Length && a[i] == b[j])
            {
                edits.Add((' ', a[i], i));
                i++;
                j++;
            }
            else if (i < a.Length && (j == b.Length || lcs[i + 1, j] >= lcs[i, j + 1]))
            {
                edits.Add(('-', a[i], i));
                i++;
            }
            else
            {
                edits.Add(('+', b[j], i));
                j++;
            }
        }
        return edits;
    }
}
