// Download everything: the export is paged through GET /v1/me/export and assembled here, as one
// JSON file or as one CSV file per kind in a zip. No third-party code: the zip is written by
// hand (stored entries, CRC-32), which every unzip tool reads.
"use strict";

(function () {
  const FORMAT = "lead-crm-export/1";

  // Every page of the export, merged: lists are concatenated, single objects kept.
  async function fetchAll(api, onProgress) {
    const all = { format: FORMAT, exported_at: new Date().toISOString() };
    let cursor = null;
    let items = 0;
    do {
      const query = cursor ? "?cursor=" + encodeURIComponent(cursor) : "";
      const page = (await api.get("/v1/me/export" + query)).data;
      for (const [kind, value] of Object.entries(page)) {
        if (kind === "next_cursor") continue;
        if (Array.isArray(value)) {
          all[kind] = (all[kind] || []).concat(value);
          items += value.length;
        } else if (value !== null && value !== undefined) {
          all[kind] = value;
        } else if (!(kind in all)) {
          all[kind] = null;
        }
      }
      cursor = page.next_cursor;
      if (onProgress) onProgress(items);
    } while (cursor);
    return all;
  }

  function toJson(all) {
    return new Blob([JSON.stringify(all, null, 2)], { type: "application/json" });
  }

  // --- CSV ---------------------------------------------------------------------------------

  // Nested objects become dotted columns (location.lat); lists become JSON text.
  function flatten(value, prefix, row) {
    for (const [key, inner] of Object.entries(value)) {
      const column = prefix ? prefix + "." + key : key;
      if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) flatten(inner, column, row);
      else row[column] = inner;
    }
    return row;
  }

  // A cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe,
  // unless it is a plain number or phone number (+91 98765 43210 stays as it is).
  const FORMULA = /^[=+\-@\t\r]/;
  const NUMBER = /^[+-]?[0-9][0-9 ().-]*$/;

  function cell(value) {
    if (value === null || value === undefined) return "";
    let text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    if (FORMULA.test(text) && !NUMBER.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(records) {
    const rows = records.map((record) => flatten(record, "", {}));
    const columns = [];
    const seen = new Set();
    for (const row of rows) {
      for (const column of Object.keys(row)) {
        if (!seen.has(column)) {
          seen.add(column);
          columns.push(column);
        }
      }
    }
    const lines = [columns.map(cell).join(",")];
    for (const row of rows) lines.push(columns.map((column) => cell(row[column])).join(","));
    return lines.join("\r\n") + "\r\n";
  }

  // One CSV per kind: the lists as they are, profile and preferences as one row each.
  function csvFiles(all) {
    const files = [];
    for (const [kind, value] of Object.entries(all)) {
      if (Array.isArray(value)) files.push([kind + ".csv", toCsv(value)]);
      else if (value !== null && typeof value === "object") files.push([kind + ".csv", toCsv([value])]);
    }
    const about =
      "Export of " + all.exported_at + " (" + FORMAT + "). One CSV file per kind, UTF-8, comma-separated.\r\n" +
      "Nested fields are dotted columns (location.lat); lists are JSON text. A cell that a spreadsheet\r\n" +
      "would run as a formula starts with an apostrophe. File download links expire 5 minutes after the export.\r\n";
    files.unshift(["README.txt", about]);
    return files;
  }

  // --- ZIP (stored entries) ------------------------------------------------------------------

  const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function dosTime(date) {
    const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
    const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
    return [time, day];
  }

  function zip(files) {
    const encoder = new TextEncoder();
    const [time, day] = dosTime(new Date());
    const parts = [];
    const central = [];
    let offset = 0;
    for (const [name, text] of files) {
      const nameBytes = encoder.encode(name);
      const data = encoder.encode(text);
      const crc = crc32(data);
      const local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true); // version needed
      local.setUint16(6, 0x0800, true); // UTF-8 names
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, time, true);
      local.setUint16(12, day, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, nameBytes.length, true);
      local.setUint16(28, 0, true);
      parts.push(new Uint8Array(local.buffer), nameBytes, data);
      const entry = new DataView(new ArrayBuffer(46));
      entry.setUint32(0, 0x02014b50, true);
      entry.setUint16(4, 20, true); // made by
      entry.setUint16(6, 20, true);
      entry.setUint16(8, 0x0800, true);
      entry.setUint16(10, 0, true);
      entry.setUint16(12, time, true);
      entry.setUint16(14, day, true);
      entry.setUint32(16, crc, true);
      entry.setUint32(20, data.length, true);
      entry.setUint32(24, data.length, true);
      entry.setUint16(28, nameBytes.length, true);
      entry.setUint32(42, offset, true);
      central.push(new Uint8Array(entry.buffer), nameBytes);
      offset += 30 + nameBytes.length + data.length;
    }
    const centralSize = central.reduce((sum, part) => sum + part.length, 0);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, centralSize, true);
    end.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [new Uint8Array(end.buffer)]), { type: "application/zip" });
  }

  function toCsvZip(all) {
    return zip(csvFiles(all));
  }

  // Hands the file to the browser's downloads; the object URL is released afterwards.
  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  window.PrivacyCenter = Object.assign(window.PrivacyCenter || {}, {
    exporter: { fetchAll, toJson, toCsvZip, save, toCsv },
  });
})();
