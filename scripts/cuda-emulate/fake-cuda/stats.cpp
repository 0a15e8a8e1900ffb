// The counters and their exit summary (stats.h).
#include "stats.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace
{
double mib(unsigned long long bytes) { return bytes / 1048576.0; }

// Prints the summary when the library is unloaded or the process exits.
struct Report
{
    fake::Stats values;

    ~Report()
    {
        const char* flag = std::getenv("QRECIPE_FAKE_CUDA_STATS");
        if (!flag || (std::strcmp(flag, "1") != 0 && std::strcmp(flag, "2") != 0))
            return;
        auto& s = values;
        std::fprintf(stderr,
                     "fake-cuda: %llu allocations, %llu frees (%llu bytes still allocated, peak %.1f MiB); copies: %llu, "
                     "%.1f MiB host->device, %.1f MiB device->host, %.1f MiB device->device, %.1f MiB set; %llu modules, "
                     "%llu launches (%llu CUDA threads, %.2f s); %llu failed calls; not destroyed: %lld streams, %lld events, "
                     "%lld modules\n",
                     s.allocations.load(), s.frees.load(), s.live_bytes.load(), mib(s.peak_bytes), s.copies.load(),
                     mib(s.to_device), mib(s.to_host), mib(s.on_device), mib(s.set), s.modules.load(), s.launches.load(),
                     s.threads.load(), s.launch_ns / 1e9, s.failures.load(), s.live_streams.load(), s.live_events.load(),
                     s.live_modules.load());
    }
};

Report report;
}

fake::Stats& fake::stats() { return report.values; }
