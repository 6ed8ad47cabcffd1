// SPDX-License-Identifier: MIT
#include "core/http/attempt_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace hooks::http {

std::string failure_cause(const AttemptResult& result) {
    if (result) {
        return "HTTP " + std::to_string(result->status);
    }
    switch (result.error().failure) {
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

retry::Outcome outcome_of(const AttemptResult& result) {
    retry::Outcome outcome;
    if (result) {
        outcome.status = result->status;
        outcome.headers = result->headers;
    } else {
        outcome.is_timeout = result.error().failure == http::Failure::timeout;
    }
    return outcome;
}

double LatencyStats::percentile_ms(double fraction) {
    if (m_samples.empty()) {
        return 0;
    }
    if (!m_is_sorted) {
        std::sort(m_samples.begin(), m_samples.end());
    }
    m_is_sorted = true;
    // Nearest rank: the smallest value with at least `fraction` of the samples at or below it.
    auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(m_samples.size())));
    std::size_t index = rank == 0 ? 0 : std::min(rank, m_samples.size()) - 1;
    return static_cast<double>(m_samples[index].count()) / 1000.0;
}

nlohmann::json LatencyStats::to_json() {
    return {{"p50", percentile_ms(0.50)},
            {"p90", percentile_ms(0.90)},
            {"p99", percentile_ms(0.99)},
            {"max", percentile_ms(1.0)}};
}

std::string LatencyStats::to_text() {
    if (m_samples.empty()) {
        return "latency ms: no responses";
    }
    char line[128];
    std::snprintf(line, sizeof line, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f",
                  percentile_ms(0.50), percentile_ms(0.90), percentile_ms(0.99),
                  percentile_ms(1.0));
    return line;
}

} // namespace hooks::http
