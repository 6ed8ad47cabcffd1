// SPDX-License-Identifier: MIT
/// What `send --count` and `replay` report about many requests: failure causes and latency
/// percentiles.
#pragma once

#include "core/http/batch.hpp"
#include "core/retry/schedule.hpp"

#include <chrono>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace hooks::http {

/// A short name for why an attempt failed, for grouping: "HTTP 503", "connect", "timeout",
/// "tls", "read", "other".
std::string failure_cause(const AttemptResult& result);

/// What the retry decision needs to know of an attempt's result.
retry::Outcome outcome_of(const AttemptResult& result);

/// Latencies of the last attempts, summarised.
class LatencyStats {
  public:
    void add(std::chrono::microseconds latency) {
        m_samples.push_back(latency);
        m_is_sorted = false;
    }

    /// Nearest-rank percentile in milliseconds (0 without samples); `fraction` 1 is the maximum.
    double percentile_ms(double fraction);

    /// {"p50":..,"p90":..,"p99":..,"max":..} in milliseconds.
    nlohmann::json to_json();

    /// "latency ms: p50 1.20  p90 2.31  p99 4.00  max 9.12"
    std::string to_text();

  private:
    std::vector<std::chrono::microseconds> m_samples;
    bool m_is_sorted = true;
};

} // namespace hooks::http
