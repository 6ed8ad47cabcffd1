// SPDX-License-Identifier: MIT
// Every built-in provider that signs with a secret, through the same checks: what it signs
// verifies; a changed body, another secret, the signature in the other encoding and a malformed
// header do not; a timestamped scheme refuses a stale send time, and a future one when the
// provider does.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

namespace {

constexpr long long k_now = 1'700'000'000;

// A secret each scheme's key format takes, and a second one it takes too.
std::pair<std::string, std::string> secrets_for(const std::string& name) {
    if (name == "standard" || name == "svix") {
        return {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldC1rZXk="};
    }
    if (name == "discord") {
        // tweetnacl's form, seed then public key, both signs and verifies.
        auto key = [](char fill) {
            std::string seed(32, fill);
            return crypto::hex_encode(seed + crypto::ed25519_public_key(seed).value());
        };
        return {key('a'), key('b')};
    }
    if (name == "postmark") {
        return {"user:first-password", "user:second-password"};
    }
    return {"first-secret-0123", "second-secret-4567"};
}

// The body a scheme signs: Mailgun's carries its signature object, Linear's its send time,
// Twilio's is form fields.
std::string body_for(const std::string& name, long long at) {
    if (name == "mailgun") {
        return R"({"signature":{"timestamp":"1700000000","token":"8c2f1e5a","signature":""},)"
               R"("event-data":{"event":"delivered","id":"ev-1"}})";
    }
    if (name == "linear") {
        return R"({"action":"create","type":"Issue","webhookTimestamp":)" +
               std::to_string(at * 1000) + "}";
    }
    if (name == "twilio") {
        return "Body=caf%C3%A9&From=%2B15557654321&To=%2B15551234567";
    }
    return R"({"id":"evt_1","amount":2000,"note":"caf\u00e9"})";
}

/// The same bytes in the other encoding: hex <-> base64.
std::string other_encoding(const std::string& text) {
    if (auto bytes = crypto::hex_decode(text); bytes && !bytes->empty()) {
        return crypto::base64_encode(*bytes);
    }
    if (auto bytes = crypto::base64_decode(text); bytes && !bytes->empty()) {
        return crypto::hex_encode(*bytes);
    }
    return text + "x";
}

struct Signed {
    message::Message message;
    std::string header; ///< the signature header's name
};

Signed sign_for(const providers::Scheme& scheme, const std::string& secret, long long at) {
    const std::string name = scheme.info().name;
    std::vector<providers::Secret> secrets{{secret, "--secret #1"}};
    providers::SignInput input;
    std::string body = body_for(name, at);
    input.body = body;
    input.secrets = secrets;
    input.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    input.timestamp = providers::UnixMillis(at * 1000);
    input.url = "https://example.com/hooks?x=1";
    auto output = scheme.sign(input);
    REQUIRE(output);
    Signed result{make_message(output->headers, output->body.value_or(body)),
                  scheme.info().signature_header};
    return result;
}

} // namespace

TEST_CASE("every signing provider verifies what it signs and nothing else", "[providers]") {
    const auto registry = providers::Registry::builtin();
    size_t checked = 0;
    for (const auto& scheme : registry.all()) {
        const providers::ProviderInfo& info = scheme->info();
        if (!info.needs_secret || info.name == "sendgrid") {
            continue; // Codex signs nothing; SendGrid's keys are tested in sendgrid_scheme_test
        }
        INFO(info.name);
        ++checked;
        auto [secret, other] = secrets_for(info.name);
        const std::string url = "https://example.com/hooks?x=1";
        Signed good = sign_for(*scheme, secret, k_now);
        CHECK(verify_with(info.name, good.message, {secret}, k_now, url).is_valid);
        // Rotation: the right secret second still matches.
        CHECK(verify_with(info.name, good.message, {other, secret}, k_now, url).is_valid);
        CHECK_FALSE(verify_with(info.name, good.message, {other}, k_now, url).is_valid);

        if (!info.sends_secret_itself && info.name != "mailgun") {
            auto tampered = good.message;
            tampered.body.back() = tampered.body.back() == '}' ? ' ' : '}';
            CHECK_FALSE(verify_with(info.name, tampered, {secret}, k_now, url).is_valid);
        }
        if (info.name == "mailgun") {
            continue; // its signature is in the body, checked in mailgun_scheme_test
        }
        // The signature header's value in the other encoding, and garbage.
        for (message::Header& header : good.message.headers) {
            if (!message::names_equal(header.name, good.header)) {
                continue;
            }
            auto recoded = good.message;
            for (message::Header& h : recoded.headers) {
                if (message::names_equal(h.name, good.header)) {
                    h.value = other_encoding(h.value);
                }
            }
            CHECK_FALSE(verify_with(info.name, recoded, {secret}, k_now, url).is_valid);
            auto garbage = good.message;
            for (message::Header& h : garbage.headers) {
                if (message::names_equal(h.name, good.header)) {
                    h.value = "%%% not a signature %%%";
                }
            }
            auto malformed = verify_with(info.name, garbage, {secret}, k_now, url);
            CHECK_FALSE(malformed.is_valid);
            CHECK_FALSE(malformed.reason.empty());
        }
        if (!info.tolerance) {
            continue;
        }
        // A send time older than the tolerance; newer than it, refused only where documented.
        long long tolerance = info.tolerance->count();
        Signed stale = sign_for(*scheme, secret, k_now - tolerance - 5);
        CHECK(verify_with(info.name, stale.message, {secret}, k_now, url).check == "timestamp");
        Signed future = sign_for(*scheme, secret, k_now + tolerance + 5);
        auto ahead = verify_with(info.name, future.message, {secret}, k_now, url);
        CHECK(ahead.is_valid == !info.rejects_future);
        if (info.rejects_future) {
            CHECK(ahead.check == "timestamp");
        }
    }
    CHECK(checked >= 35);
}
