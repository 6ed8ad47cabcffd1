// SPDX-License-Identifier: MIT
#include "core/inspect/arrival.hpp"

namespace hooks::inspect {

std::string received_url(const message::Message& message) {
    auto host = message.first_header("Host");
    return "http://" + std::string(host ? *host : "127.0.0.1") + message.target;
}

providers::VerifyInput input_as_arrived(const message::Message& message, const log::Record& record,
                                        std::span<const providers::Secret> secrets,
                                        std::optional<std::chrono::seconds> tolerance) {
    providers::VerifyInput input(message, secrets);
    input.now =
        std::chrono::duration_cast<providers::UnixMillis>(record.received_at.time_since_epoch());
    input.tolerance = tolerance;
    input.url = received_url(message);
    return input;
}

} // namespace hooks::inspect
