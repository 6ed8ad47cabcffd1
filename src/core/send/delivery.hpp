// SPDX-License-Identifier: MIT
/// One `send` delivery through its retry schedule: built once, each attempt signed afresh at its
/// own time with the same body and id, waits on the environment's clock, progress told to an
/// observer.
#pragma once

#include "core/error.hpp"
#include "core/send/plan.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hooks::send {

/// A delivery ready to go out.
struct PreparedDelivery {
    std::string id;
    providers::UnixMillis created{0};  ///< the envelope's time
    message::Message unsigned_request; ///< build_unsigned(): every attempt signs a copy of it
    message::Message request;          ///< signed at `created`: what --dry-run shows
};

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
    std::string failure; ///< why it finally failed: "503", or the last error's message
    /// The waits the schedule still had (scaled, the first from the last attempt) when
    /// --max-wait ended the delivery early: what the provider would still do. Empty otherwise.
    std::vector<std::chrono::milliseconds> waits_left;
    bool is_interrupted = false; ///< the environment's should_stop ended it
};

/// What deliver() tells as the delivery goes, for live output. Called on deliver()'s thread.
class DeliveryObserver {
  public:
    DeliveryObserver() = default;
    DeliveryObserver(const DeliveryObserver&) = delete;
    DeliveryObserver& operator=(const DeliveryObserver&) = delete;
    virtual ~DeliveryObserver() = default;

    /// The connection is set up and the first attempt is about to go.
    virtual void on_start(const PreparedDelivery& /*delivery*/) {}
    /// An attempt finished, with the decision taken on it.
    virtual void on_attempt(const Attempt& /*attempt*/) {}
    /// The delivery now waits `wait` before attempt `next_attempt`.
    virtual void on_wait(std::chrono::milliseconds /*wait*/, int /*next_attempt*/) {}
};

/// Delivery `id` built at `clock`'s time, and its request signed at that time. Fails as
/// build_unsigned() and sign_request() do.
Result<PreparedDelivery> prepare(const Plan& plan, const std::string& id, const time::Clock& clock);

/// Sends `delivery` over a connection of the environment's transport, retrying per the plan's
/// schedule: each attempt signs `delivery.unsigned_request` afresh at that attempt's time and
/// carries the same body and id; waits are the clock's. Ends on success, on a verdict to stop,
/// when the next wait would pass --max-wait (waits_left), or when should_stop turns true
/// (is_interrupted; an attempt then under way is reported as it ended). Fails only on what no
/// retry can fix: a connection that cannot be set up (TLS options), a secret that does not
/// decode, a header with CR/LF.
Result<DeliveryResult> deliver(const Plan& plan, const PreparedDelivery& delivery,
                               const Environment& environment, DeliveryObserver& observer);

} // namespace hooks::send
