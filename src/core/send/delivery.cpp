// SPDX-License-Identifier: MIT
#include "core/send/delivery.hpp"

#include "core/send/request.hpp"

namespace hooks::send {
namespace {

/// Attempt `number`'s decision, and what Ctrl-C during the attempt changes of it: the attempt
/// is reported as it ended, and nothing follows.
Attempt judge(const Plan& plan, const Environment& environment, int number,
              tl::expected<http::ClientResponse, http::ClientError> response,
              bool& is_interrupted) {
    Attempt attempt;
    attempt.number = number;
    retry::Outcome outcome;
    if (response) {
        outcome.status = response->status;
        outcome.headers = response->headers;
        attempt.response = std::move(*response);
    } else {
        outcome.is_timeout = response.error().failure == http::Failure::timeout;
        attempt.error = response.error();
    }
    attempt.decision = retry::decide(plan.schedule, number, outcome, plan.time_scale);
    if (environment.is_stop_requested()) {
        attempt.decision.verdict = attempt.response && attempt.response->status / 100 == 2
                                       ? retry::Verdict::success
                                       : retry::Verdict::stop;
        is_interrupted = attempt.decision.verdict != retry::Verdict::success;
        if (is_interrupted) {
            attempt.decision.reason = "interrupted";
            attempt.decision.wait = std::chrono::milliseconds(0);
        }
    }
    return attempt;
}

} // namespace

Result<PreparedDelivery> prepare(const Plan& plan, const std::string& id,
                                 const time::Clock& clock) {
    PreparedDelivery delivery;
    delivery.id = id;
    delivery.created = time::unix_millis(clock);
    auto unsigned_request = build_unsigned(plan, id, delivery.created);
    if (!unsigned_request) {
        return tl::unexpected(unsigned_request.error());
    }
    auto request = sign_request(plan, *unsigned_request, id, delivery.created);
    if (!request) {
        return tl::unexpected(request.error());
    }
    delivery.unsigned_request = std::move(*unsigned_request);
    delivery.request = std::move(*request);
    return delivery;
}

Result<DeliveryResult> deliver(const Plan& plan, const PreparedDelivery& delivery,
                               const Environment& environment, DeliveryObserver& observer) {
    http::ClientOptions options = plan.client;
    options.should_stop = environment.should_stop; // Ctrl-C cuts an attempt on the wire short
    auto connection = environment.transport.connect(plan.url, options);
    if (!connection) {
        return tl::unexpected(connection.error());
    }
    observer.on_start(delivery);
    DeliveryResult result;
    result.id = delivery.id;
    std::chrono::milliseconds waited{0};
    for (int number = 1;; ++number) {
        // A retry is the same delivery: the same body and id, signed afresh (for the schemes
        // that sign a timestamp, the attempt's own).
        auto request = sign_request(plan, delivery.unsigned_request, delivery.id,
                                    time::unix_millis(environment.clock));
        if (!request) {
            return tl::unexpected(request.error());
        }
        Attempt attempt =
            judge(plan, environment, number, (*connection)->send(*request), result.is_interrupted);
        observer.on_attempt(attempt);
        retry::Verdict verdict = attempt.decision.verdict;
        std::chrono::milliseconds wait = attempt.decision.wait;
        result.attempts.push_back(std::move(attempt));
        if (verdict == retry::Verdict::success) {
            result.is_success = true;
            return result;
        }
        const Attempt& last = result.attempts.back();
        result.failure =
            last.response ? std::to_string(last.response->status) : last.error->message;
        if (verdict == retry::Verdict::stop) {
            return result;
        }
        if (plan.max_wait && waited + wait > *plan.max_wait) {
            // The wait just decided (Retry-After may have set it), then the schedule's rest.
            result.waits_left = {wait};
            auto rest = retry::waits_after(plan.schedule, number, plan.time_scale);
            result.waits_left.insert(result.waits_left.end(), rest.begin(), rest.end());
            return result;
        }
        observer.on_wait(wait, number + 1);
        if (!environment.clock.sleep(wait, environment.should_stop)) {
            result.is_interrupted = true;
            return result;
        }
        waited += wait;
    }
}

} // namespace hooks::send
