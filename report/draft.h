/* draft — the LKIP draft that lkip writes at step 5 (LKIP.md, "A generated draft follows that
 * order"; PermenPAN-RB 53/2014), from an analysis (analysis.h) and the organisation's texts:
 *   cover (organisation, year, DRAFT), Kata Pengantar (template, signed with the Kepala's name
 *   and NIP or placeholders for them), Ikhtisar Eksekutif (indicators per rating, average
 *   capaian, serapan), Bab I Pendahuluan (the organisation's profile), Bab II Perencanaan
 *   Kinerja (Renstra sasaran and targets, the PK table), Bab III Akuntabilitas Kinerja (A: per
 *   sasaran the table of target, realisasi, capaian and kategori, a chart, the comparison with
 *   earlier years and with the Renstra targets, then per indicator the narrative, the units'
 *   penjelasan, faktor pendukung, faktor penghambat and upaya, and a chart of its years; B:
 *   pagu, realisasi, serapan and efisiensi side by side, per indicator and per unit, with a
 *   chart), Bab IV Penutup (template), Lampiran (the Perjanjian Kinerja).
 * Numbers and dates are written the Indonesian way (idfmt.h).
 *
 * The content is built once as a doc (doc.h) and rendered as DOCX (docx.h) and PDF
 * (docpdf.h). Pure: plain structs in, bytes out; no database, no sockets, no clock (the date
 * is an option). Any thread, e.g. a thread of its own in lkipd; libxml2 must have been
 * initialised (xmlInitParser) by the main thread before threads start, and docpdf.h says how
 * the font caches are freed.
 *
 * Template placeholders (tmpl.h), for the Kata Pengantar, Bab I and Bab IV:
 *   {organisasi} {kode_organisasi} {tahun} {tahun_berikut} {periode} {renstra}
 *   {kepala_dinas} {nip} {jabatan} {kota} {tanggal}
 *   {jumlah_indikator} {jumlah_sasaran} {jumlah_dinilai} {rata_rata_capaian} {kategori}
 *   {pagu} {realisasi_anggaran} {serapan} {unit_belum_menyampaikan}
 *   {ringkasan_capaian} {ringkasan_anggaran} (whole sentences that read right in every case) */
#ifndef LKIP_DRAFT_H
#define LKIP_DRAFT_H

#include "analysis.h"
#include "doc.h"

#include <stdint.h>

typedef struct {
    const char *profile_md;        /* Bab I, the organisation's profile (docmd.h Markdown);
                                    * NULL or "": the default template "profil" */
    const char *kata_pengantar_md; /* NULL or "": the default template "kata_pengantar" */
    const char *penutup_md;        /* Bab IV; NULL or "": the default template "penutup" */
    const char *kepala_nama;       /* the Kepala Dinas; NULL or "": "[Nama Kepala Dinas]" */
    const char *kepala_nip;        /* NULL or "": "[NIP Kepala Dinas]" */
    const char *kepala_jabatan;    /* NULL or "": "Kepala " and the organisation's name */
    const char *kota;              /* where it is signed; NULL or "": "[Kota]" */
    int year, month, day;          /* the generation date, in the organisation's time zone */
    bool draft;                    /* the DRAFT marking: on the cover and atop every page */
} draft_opts_t;

typedef struct {
    uint8_t *docx; /* owned: draft_output_free */
    size_t docx_len;
    uint8_t *pdf;
    size_t pdf_len;
    int pdf_pages;
} draft_output_t;

/* The draft as a doc, for rendering or inspection. Caller owns it (doc_destroy). */
doc_t *draft_build(const analysis_t *a, const draft_opts_t *opts);

/* The draft as DOCX and PDF bytes. On success the caller owns out's buffers
 * (draft_output_free); on failure out is left empty. Returns 0, or the error of docx_render or
 * docpdf_render. */
int draft_render(const analysis_t *a, const draft_opts_t *opts, draft_output_t *out) WUR;
void draft_output_free(draft_output_t *out);

#endif
