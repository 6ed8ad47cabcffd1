// SPDX-License-Identifier: MIT
#include "core/events/envelope_shape.hpp"

#include <array>

namespace hooks::events {
namespace {

// Each table follows its seed document (seeds/<platform>-webhooks.txt). Where a document is
// ambiguous the lenient reading is taken, and said here.

// CodeNx's doc shows one record.updated payload; which fields other events carry is not said.
// Lenient reading: user_id may be null (pipeline runs and imports may have no acting user),
// record, previous and diff may be absent or null (created, deleted, schema and bulk events).
constexpr std::array k_codenx_fields{
    FieldShape{.pointer = "", .types = k_object},
    FieldShape{.pointer = "/event",
               .types = k_string,
               .one_of = "record.created, record.updated, record.deleted, bulk.imported, "
                         "pipeline.completed, schema.changed"},
    FieldShape{.pointer = "/timestamp", .types = k_string},
    FieldShape{.pointer = "/collection", .types = k_string},
    FieldShape{.pointer = "/tenant_id", .types = k_string},
    FieldShape{.pointer = "/user_id", .types = k_string | k_null, .is_required = false},
    FieldShape{.pointer = "/record", .types = k_object | k_null, .is_required = false},
    FieldShape{.pointer = "/previous", .types = k_object | k_null, .is_required = false},
    FieldShape{.pointer = "/diff", .types = k_object | k_null, .is_required = false},
};

// Codex: event, model, organization and object are "the common fields". Its event names are
// table labels ("AutoSave", "Label Added") while payloads carry lowercase words ("publish",
// "upload", "completed"; a label event sends "insert"), so the event is not checked against a
// list. A custom payload ("Compute - Add JSON value") replaces the whole body and is reported.
constexpr std::array k_codex_fields{
    FieldShape{.pointer = "", .types = k_object},
    FieldShape{.pointer = "/event", .types = k_string},
    FieldShape{.pointer = "/model", .types = k_string},
    FieldShape{.pointer = "/organization", .types = k_string},
    FieldShape{.pointer = "/object", .types = k_object},
};

// CognexiaAI documents {type, data} through its handlers only: its event list is a sample
// by area, and data's type is never stated, so any type is accepted.
constexpr std::array k_cognexia_fields{
    FieldShape{.pointer = "", .types = k_object},
    FieldShape{.pointer = "/type", .types = k_string},
    FieldShape{.pointer = "/data"},
};

// Fluxbase's field table lists seven fields, but its per-event examples show only event,
// record and old_record, and test deliveries carry what the caller gives (event, table,
// record). Lenient reading: those three plus table are required, the others typed if present.
constexpr std::array k_fluxbase_fields{
    FieldShape{.pointer = "", .types = k_object},
    FieldShape{.pointer = "/event", .types = k_string, .one_of = "INSERT, UPDATE, DELETE"},
    FieldShape{.pointer = "/table", .types = k_string},
    FieldShape{.pointer = "/schema", .types = k_string, .is_required = false},
    FieldShape{.pointer = "/record", .types = k_object},
    FieldShape{.pointer = "/old_record", .types = k_object | k_null, .is_required = false},
    FieldShape{.pointer = "/timestamp", .types = k_string, .is_required = false},
    FieldShape{.pointer = "/webhook_id", .types = k_string, .is_required = false},
};

// Centrali shows data{structure, recordId, record} for record.created; function and trigger
// events carry other data (functionId, error), so only record events get the nested check.
// Lenient reading: a deleted record's data may be null or absent.
constexpr std::string_view k_centrali_record_events =
    "record.created, record.updated, record.deleted";
constexpr std::array k_centrali_fields{
    FieldShape{.pointer = "", .types = k_object},
    FieldShape{.pointer = "/event",
               .types = k_string,
               .one_of = "record.created, record.updated, record.deleted, function.completed, "
                         "function.failed, trigger.fired"},
    FieldShape{.pointer = "/workspace", .types = k_string},
    FieldShape{.pointer = "/timestamp", .types = k_string},
    FieldShape{.pointer = "/data", .types = k_object},
    FieldShape{
        .pointer = "/data/structure", .types = k_string, .for_events = k_centrali_record_events},
    FieldShape{
        .pointer = "/data/recordId", .types = k_string, .for_events = k_centrali_record_events},
    FieldShape{.pointer = "/data/record",
               .types = k_object,
               .for_events = "record.created, record.updated"},
    FieldShape{.pointer = "/data/record",
               .types = k_object | k_null,
               .is_required = false,
               .for_events = "record.deleted"},
};

const std::array k_envelope_shapes{
    EnvelopeShape{"codenx", "/event", k_codenx_fields},
    EnvelopeShape{"codex", "/event", k_codex_fields},
    EnvelopeShape{"cognexia", "/type", k_cognexia_fields},
    EnvelopeShape{"fluxbase", "/event", k_fluxbase_fields},
    EnvelopeShape{"centrali", "/event", k_centrali_fields},
};

} // namespace

const EnvelopeShape* find_envelope_shape(std::string_view provider) {
    for (const EnvelopeShape& shape : k_envelope_shapes) {
        if (shape.provider == provider) {
            return &shape;
        }
    }
    return nullptr;
}

} // namespace hooks::events
