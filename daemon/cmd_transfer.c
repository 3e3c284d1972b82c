/* cmd_transfer — documents in chunks of WIRE_CHUNK bytes, so that no large frame sits whole in a
 * queue: download (one chunk of a version per request, from an offset), upload_chunk (pieces of
 * a document staged for the upload that names them; resumable: a piece sent again replaces
 * itself, and a request without data asks what arrived), and assembling a staged upload. How
 * much of a download may be in flight per connection and per user is the main thread's
 * business (flowctl), before a request reaches a worker. */
#include "cmd.h"

#include "db_flow.h"
#include "db_report.h"
#include "db_upload.h"

#include <stdlib.h>
#include <string.h>

/* Most bytes a user may hold staged at once: two of the largest documents. */
#define MAX_STAGED ((int64_t)2 * WIRE_MAX_DOCUMENT)

void cmd_download(cmd_ctx_t *ctx)
{
    const Lkip__DownloadRequest *r = ctx->req->download;
    if (r->version < 0 || r->offset < 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, r->version < 0 ? "bad_version" : "bad_offset",
                  r->version < 0 ? "Versi dokumen tidak sah" : "Posisi awal unduhan tidak sah");
        return;
    }
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, false, &inst, &def))
        return;
    db_document_row_t doc;
    db_lookup_t rc = db_report_document(ctx->db, inst.id, r->version, r->offset, WIRE_CHUNK, &doc);
    if (rc == DB_FOUND && r->offset > doc.size) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_offset",
                  "Posisi %lld melewati akhir dokumen versi %d (%lld bita)", (long long)r->offset,
                  doc.version, (long long)doc.size);
    } else if (rc == DB_FOUND) {
        Lkip__DocumentReply *d = cmd_document_reply(&doc, r->offset);
        ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DOCUMENT;
        ctx->reply->document = d;
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Dokumen versi %d, bita %lld-%lld dari %lld",
                  d->info->version, (long long)d->offset,
                  (long long)(d->offset + (int64_t)d->content.len), (long long)d->info->size);
    } else if (rc == DB_NOT_FOUND) {
        if (r->version)
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_document",
                      "Dokumen versi %d tidak ada pada %s/%s", r->version, inst.sop_code,
                      inst.period);
        else
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_document", "Belum ada dokumen pada %s/%s",
                      inst.sop_code, inst.period);
    } else {
        cmd_db_failed(ctx, "read document");
    }
    db_document_row_clear(&doc);
    db_instance_clear(&inst);
}

/* Checks a piece's place: chunks are aligned (every piece but the last is exactly one chunk),
 * so pieces never overlap. false after replying. */
static bool s_check_piece(cmd_ctx_t *ctx, const Lkip__UploadChunkRequest *r)
{
    const char *why = NULL;
    if (r->upload_id == 0)
        why = "upload_id wajib diisi (bukan 0)";
    else if (r->size <= 0 || r->size > WIRE_MAX_DOCUMENT)
        why = "ukuran dokumen harus 1 sampai 25 MiB";
    else if (r->data.len > WIRE_CHUNK)
        why = "potongan lebih besar dari satu chunk (64 KiB)";
    else if (r->data.len &&
             (r->offset < 0 || r->offset % WIRE_CHUNK != 0 ||
              r->offset + (int64_t)r->data.len > r->size ||
              (r->data.len < WIRE_CHUNK && r->offset + (int64_t)r->data.len != r->size)))
        why = "potongan tidak pada batas chunk (offset kelipatan 64 KiB; hanya potongan "
              "terakhir yang lebih pendek)";
    if (!why)
        return true;
    cmd_reply(ctx, r->data.len > WIRE_CHUNK ? LKIP__STATUS__TOO_LARGE : LKIP__STATUS__BAD_REQUEST,
              "bad_chunk", "Potongan unggahan ditolak: %s", why);
    return false;
}

void cmd_upload_chunk(cmd_ctx_t *ctx)
{
    const Lkip__UploadChunkRequest *r = ctx->req->upload_chunk;
    if (!s_check_piece(ctx, r))
        return;
    db_upload_state_t st;
    if (db_upload_stage(ctx->db, ctx->caller->id, r->upload_id, r->size, 0, NULL, 0, &st) != 0) {
        cmd_db_failed(ctx, "upload state");
        return;
    }
    if (st.size && st.size != r->size) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "upload_size_changed",
                  "Unggahan %016llx sudah dimulai untuk dokumen %lld bita, bukan %lld",
                  (unsigned long long)r->upload_id, (long long)st.size, (long long)r->size);
        return;
    }
    if (r->data.len && st.staged + (int64_t)r->data.len > MAX_STAGED) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "staging_full",
                  "Unggahan Anda yang belum selesai sudah %lld bita (paling banyak %lld); "
                  "selesaikan atau tunggu 24 jam",
                  (long long)st.staged, (long long)MAX_STAGED);
        return;
    }
    if (r->data.len && db_upload_stage(ctx->db, ctx->caller->id, r->upload_id, r->size, r->offset,
                                       r->data.data, r->data.len, &st) != 0) {
        cmd_db_failed(ctx, "stage upload");
        return;
    }
    Lkip__UploadChunkReply *c = xmalloc(sizeof *c);
    lkip__upload_chunk_reply__init(c);
    c->upload_id = r->upload_id;
    c->size = r->size;
    c->received = st.received;
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_CHUNK;
    ctx->reply->chunk = c;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%lld dari %lld bita diterima", (long long)st.received,
              (long long)r->size);
}

bool cmd_take_upload(cmd_ctx_t *ctx, const Lkip__UploadRequest *r, uint8_t **content, size_t *len)
{
    db_upload_state_t st;
    int rc = db_upload_take(ctx->db, ctx->caller->id, r->upload_id, content, len, &st);
    if (rc < 0) {
        cmd_db_failed(ctx, "assemble upload");
        return false;
    }
    if (rc == 0) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "upload_incomplete",
                  "Unggahan %016llx belum lengkap: %lld dari %lld bita diterima; kirim sisanya",
                  (unsigned long long)r->upload_id, (long long)st.received, (long long)st.size);
        return false;
    }
    char sha[65];
    sha256_hex(*content, *len, sha);
    const char *bad = (int64_t)*len != r->size ? "ukurannya"
                      : strcmp(sha, r->sha256) ? "SHA-256"
                                               : NULL;
    if (bad) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "upload_mismatch",
                  "Dokumen yang tersusun dari potongan unggahan tidak cocok (%s berbeda: %zu bita, "
                  "SHA-256 %.16s...); kirim ulang",
                  bad, *len, sha);
        free(*content);
        *content = NULL;
        return false;
    }
    return true;
}
