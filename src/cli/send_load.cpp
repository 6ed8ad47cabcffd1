// SPDX-License-Identifier: MIT
#include "cli/send_load.hpp"

#include "cli/stop_signals.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

void print_summary(send::LoadSummary& summary, bool is_json, std::ostream& out) {
    std::uint64_t failed = summary.failed();
    double rate = summary.deliveries_per_second();
    if (is_json) {
        nlohmann::json document = {{"v", 1},
                                   {"count", summary.count},
                                   {"concurrency", summary.concurrency},
                                   {"delivered", summary.delivered},
                                   {"failed", failed},
                                   {"interrupted", summary.is_interrupted},
                                   {"failures", summary.failures},
                                   {"seconds", summary.seconds},
                                   {"deliveries_per_second", rate},
                                   {"latency_ms", summary.latency.to_json()}};
        out << document.dump() << '\n';
        return;
    }
    char line[256];
    std::snprintf(line, sizeof line, "%s%llu delivered, %llu failed in %.2f s: %.0f deliveries/s\n",
                  summary.is_interrupted ? "interrupted: " : "",
                  static_cast<unsigned long long>(summary.delivered),
                  static_cast<unsigned long long>(failed), summary.seconds, rate);
    out << line << summary.latency.to_text() << '\n';
    for (const auto& [cause, number] : summary.failures) {
        out << "  failed: " << number << " x " << cause << '\n';
    }
}

} // namespace

Result<int> run_load(const send::Plan& plan, const send::LoadOptions& options, bool is_json,
                     Context& context) {
    StopSignals signals; // Ctrl-C: no new deliveries, those on the wire finish, then the summary
    send::Environment environment{*context.clock, http::network(),
                                  [] { return StopSignals::is_stop_requested(); }};
    auto summary = send::run_load(plan, options, environment);
    if (!summary) {
        return tl::unexpected(summary.error());
    }
    print_summary(*summary, is_json, context.out);
    if (summary->is_interrupted) {
        return fail(ErrorKind::interrupted, "interrupted after " +
                                                std::to_string(summary->delivered) +
                                                " deliveries of " + std::to_string(options.count));
    }
    return summary->failures.empty() ? 0 : 1;
}

} // namespace hooks::cli
