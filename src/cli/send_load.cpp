// SPDX-License-Identifier: MIT
#include "cli/send_load.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

namespace hooks::cli {
namespace {

/// What the workers found, merged at the end.
struct Tally {
    std::uint64_t succeeded = 0;
    std::map<std::string, std::uint64_t> failures; ///< cause -> deliveries
    std::vector<std::chrono::microseconds> latencies;
    std::optional<Error> error; ///< an error no retry fixes (stops the run)
};

std::string cause_of(const DeliveryResult& result) {
    const Attempt& last = result.attempts.back();
    if (last.response) {
        return "HTTP " + std::to_string(last.response->status);
    }
    switch (last.error->failure) {
    case http::Failure::connect:
        return "connect";
    case http::Failure::timeout:
        return "timeout";
    case http::Failure::tls:
        return "tls";
    case http::Failure::read:
        return "read";
    case http::Failure::other:
        break;
    }
    return "other";
}

void work(const SendPlan& plan, const LoadOptions& options, std::atomic<std::uint64_t>& next,
          Tally& tally) {
    auto client = http::Client::create(plan.url, options.client);
    if (!client) {
        tally.error = client.error();
        return;
    }
    while (next.fetch_add(1) < options.count) {
        auto result = deliver(plan, **client, fresh_delivery_id(plan.build.provider), {});
        if (!result) {
            tally.error = result.error();
            next = options.count; // stop the others too
            return;
        }
        if (const auto& last = result->attempts.back(); last.response) {
            tally.latencies.push_back(last.response->latency);
        }
        if (result->is_success) {
            ++tally.succeeded;
        } else {
            ++tally.failures[cause_of(*result)];
        }
    }
}

double percentile_ms(const std::vector<std::chrono::microseconds>& sorted, double fraction) {
    if (sorted.empty()) {
        return 0;
    }
    // Nearest rank: the smallest value with at least `fraction` of the samples at or below it.
    auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    std::size_t index = rank == 0 ? 0 : std::min(rank, sorted.size()) - 1;
    return static_cast<double>(sorted[index].count()) / 1000.0;
}

void print_summary(const Tally& total, const LoadOptions& options, double seconds, bool is_json,
                   std::ostream& out) {
    std::uint64_t failed = 0;
    for (const auto& [cause, number] : total.failures) {
        failed += number;
    }
    double rate = seconds > 0 ? static_cast<double>(total.succeeded + failed) / seconds : 0;
    const auto& sorted = total.latencies;
    nlohmann::json latency = {{"p50", percentile_ms(sorted, 0.50)},
                              {"p90", percentile_ms(sorted, 0.90)},
                              {"p99", percentile_ms(sorted, 0.99)},
                              {"max", sorted.empty() ? 0.0 : percentile_ms(sorted, 1.0)}};
    if (is_json) {
        nlohmann::json document = {{"v", 1},
                                   {"count", options.count},
                                   {"concurrency", options.concurrency},
                                   {"delivered", total.succeeded},
                                   {"failed", failed},
                                   {"failures", total.failures},
                                   {"seconds", seconds},
                                   {"deliveries_per_second", rate},
                                   {"latency_ms", latency}};
        out << document.dump() << '\n';
        return;
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "%llu delivered, %llu failed in %.2f s: %.0f deliveries/s\n"
                  "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
                  static_cast<unsigned long long>(total.succeeded),
                  static_cast<unsigned long long>(failed), seconds, rate,
                  latency["p50"].get<double>(), latency["p90"].get<double>(),
                  latency["p99"].get<double>(), latency["max"].get<double>());
    out << line;
    for (const auto& [cause, number] : total.failures) {
        out << "  failed: " << number << " x " << cause << '\n';
    }
}

} // namespace

Result<int> run_load(const SendPlan& plan, const LoadOptions& options, bool is_json,
                     Context& context) {
    std::atomic<std::uint64_t> next = 0;
    unsigned workers = static_cast<unsigned>(
        std::min<std::uint64_t>(options.concurrency, std::max<std::uint64_t>(options.count, 1)));
    std::vector<Tally> tallies(workers);
    auto started = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> threads;
        threads.reserve(tallies.size());
        for (Tally& tally : tallies) {
            threads.emplace_back([&] { work(plan, options, next, tally); });
        }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Tally total;
    for (Tally& tally : tallies) {
        if (tally.error && !total.error) {
            total.error = tally.error;
        }
        total.succeeded += tally.succeeded;
        for (const auto& [cause, number] : tally.failures) {
            total.failures[cause] += number;
        }
        total.latencies.insert(total.latencies.end(), tally.latencies.begin(),
                               tally.latencies.end());
    }
    if (total.error) {
        return tl::unexpected(*total.error);
    }
    std::sort(total.latencies.begin(), total.latencies.end());
    print_summary(total, options, seconds, is_json, context.out);
    return total.failures.empty() ? 0 : 1;
}

} // namespace hooks::cli
