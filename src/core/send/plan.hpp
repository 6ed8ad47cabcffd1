// SPDX-License-Identifier: MIT
/// What a `send` run is asked to do (the plan: destination, provider, event, headers, retry
/// schedule), and what it runs against (the environment: a clock, a transport, a stop request).
#pragma once

#include "core/events/catalog.hpp"
#include "core/events/delivery_template.hpp"
#include "core/http/client.hpp"
#include "core/http/transport.hpp"
#include "core/providers/registry.hpp"
#include "core/retry/schedule.hpp"
#include "core/time/clock.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hooks::send {

/// Everything that stays the same across a run's deliveries.
struct Plan {
    http::Url url;
    std::string url_text; ///< as the user gave it (Twilio signs it)
    const providers::Scheme* scheme = nullptr;
    std::vector<providers::Secret> secrets;
    events::BuildInput build; ///< id and timestamp are set per delivery
    /// `build` made once for many deliveries (run_load() sets it); null builds each in full.
    std::shared_ptr<const events::DeliveryTemplate> deliveries;
    std::vector<message::Header> extra_headers; ///< -H, added last
    std::string method;                         ///< --method; empty: the provider's
    std::string user_agent = "hooks";           ///< the User-Agent header's value
    retry::Schedule schedule;
    double time_scale = 1.0;
    /// The longest one delivery waits between its attempts in all (--max-wait, scaled time);
    /// empty: the whole schedule. A terminal user learns the real schedule without being held
    /// for days by it.
    std::optional<std::chrono::milliseconds> max_wait;
    /// Timeouts and TLS settings of the connections (its should_stop is the environment's).
    http::ClientOptions client;
};

/// The outside world as the engine sees it, passed in: tests give a fake clock and transport.
struct Environment {
    /// Signed timestamps (wall time), elapsed time (monotonic) and the waits between attempts.
    const time::Clock& clock;
    /// Where the requests go.
    const http::Transport& transport;
    /// Polled between attempts, while waiting and while a request is on the wire (may be
    /// empty): true ends the run where it is (SIGINT).
    std::function<bool()> should_stop;

    bool is_stop_requested() const { return should_stop && should_stop(); }
};

/// Connection settings for a plan: the schedule's per-attempt timeout (connecting takes at most
/// 5 s of it), TLS options.
http::ClientOptions client_options(bool is_insecure, const std::string& ca_file,
                                   const retry::Schedule& schedule);

} // namespace hooks::send
