// SPDX-License-Identifier: MIT
/// What `hooks send` sends: the provider's envelope, signed afresh for every attempt, and how
/// one delivery goes through its retry schedule.
#pragma once

#include "core/events/catalog.hpp"
#include "core/events/delivery_template.hpp"
#include "core/http/client.hpp"
#include "core/providers/registry.hpp"
#include "core/retry/schedule.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hooks::cli {

/// Everything that stays the same across a run's deliveries.
struct SendPlan {
    http::Url url;
    std::string url_text; ///< as the user gave it (Twilio signs it)
    const providers::Scheme* scheme = nullptr;
    std::vector<providers::Secret> secrets;
    events::BuildInput build; ///< id and timestamp are set per delivery
    /// `build` made once for many deliveries (send --count); null builds each in full.
    std::shared_ptr<const events::DeliveryTemplate> deliveries;
    std::vector<message::Header> extra_headers; ///< -H, added last
    std::string method;                         ///< --method; empty: the provider's
    retry::Schedule schedule;
    double time_scale = 1.0;
    /// The longest one delivery waits between its attempts in all (--max-wait, scaled time);
    /// empty: the whole schedule. A terminal user learns the real schedule without being held
    /// for days by it.
    std::optional<std::chrono::milliseconds> max_wait;
    std::function<providers::UnixMillis()> now;
    /// Polled between attempts and while waiting: true ends the delivery where it is (SIGINT).
    std::function<bool()> should_stop;
};

/// Client settings for a run: the schedule's per-attempt timeout, TLS options.
http::ClientOptions client_options(bool is_insecure, const std::string& ca_file,
                                   const retry::Schedule& schedule);

/// Delivery `id` as it is built once, before any attempt: the envelope with its timestamps at
/// `created`, the provider's event headers, Content-Type. Every attempt signs a copy of it, so
/// that a retry carries the same body (real providers resend the same event).
Result<message::Message> build_unsigned(const SendPlan& plan, const std::string& id,
                                        providers::UnixMillis created);

/// `request` (from build_unsigned()) signed for an attempt at `signed_at`: the scheme's headers
/// replace those of their names, then the -H headers. Only what the scheme signs with a time
/// differs between attempts. Fails on a secret that cannot sign or a header with CR/LF.
Result<message::Message> sign_request(const SendPlan& plan, message::Message request,
                                      const std::string& id, providers::UnixMillis signed_at);

/// build_unsigned() at `created`, then sign_request() at `signed_at`: the request of any
/// attempt of delivery `id`, byte for byte the same body as every other attempt's.
Result<message::Message> build_request(const SendPlan& plan, const std::string& id,
                                       providers::UnixMillis created,
                                       providers::UnixMillis signed_at);

/// One attempt as it happened.
struct Attempt {
    int number = 1;
    std::optional<http::ClientResponse> response;
    std::optional<http::ClientError> error;
    retry::Decision decision;
};

/// The whole delivery: every attempt, the last response, success or not.
struct DeliveryResult {
    std::string id;
    std::vector<Attempt> attempts;
    bool is_success = false;
    std::string failure; ///< why it finally failed: "503 after 4 attempts", "connect"
    /// The waits the schedule still had (scaled, the first from the last attempt) when
    /// --max-wait ended the delivery early: what the provider would still do. Empty otherwise.
    std::vector<std::chrono::milliseconds> waits_left;
    bool is_interrupted = false; ///< should_stop() ended it
};

/// Sends delivery `id`, built once as `unsigned_request` (build_unsigned()), through `client`,
/// retrying per the plan's schedule: each attempt signs it afresh at that attempt's time and
/// carries the same body. `on_attempt` is told about each attempt as it finishes (for live
/// output). Fails only on an error that no retry can fix (a secret that does not decode, a
/// header with CR/LF).
Result<DeliveryResult> deliver(const SendPlan& plan, http::Client& client,
                               const message::Message& unsigned_request, const std::string& id,
                               const std::function<void(const Attempt&)>& on_attempt);

/// The request exactly as it goes on the wire (http::to_wire(): request line, headers in the
/// order sent with Host and Content-Length, body) for --dry-run. Fails as to_wire() does.
Result<std::string> format_wire_request(const http::Url& url, const message::Message& request);

/// An equivalent curl command, one option per line, quoted for a POSIX shell.
std::string format_curl(const http::Url& url, const message::Message& request);

} // namespace hooks::cli
