// SPDX-License-Identifier: MIT
/// Send plans shared by the send engine's tests.
#pragma once

#include "core/send/plan.hpp"
#include "support/provider_fixtures.hpp"

#include <chrono>
#include <vector>

namespace hooks::testing {

/// Stripe's invoice.paid to a loopback URL, signed with a test secret, retried after `delays`.
inline send::Plan stripe_plan(std::vector<std::chrono::milliseconds> delays) {
    send::Plan plan;
    plan.url_text = "http://127.0.0.1:9/stripe";
    plan.url = *http::parse_url(plan.url_text);
    plan.scheme = &builtin_provider("stripe");
    plan.secrets = {{"whsec_test", "--secret #1"}};
    plan.build.provider = "stripe";
    plan.build.event = "invoice.paid";
    plan.schedule.name = "custom";
    plan.schedule.delays = std::move(delays);
    return plan;
}

} // namespace hooks::testing
