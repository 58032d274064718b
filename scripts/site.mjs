// The compiled site's files, compressed and measured.
//   node scripts/site.mjs compress DIR [--fast]   writes FILE.br and FILE.gz beside each wasm, JS,
//                                                 CSS and JSON file in DIR that lacks a fresh copy
//                                                 (--fast: lower levels, for debug builds)
//   node scripts/site.mjs sizes DIR               prints each file's bytes: raw, gzip, Brotli
// The server sends the .br or .gz copy to a browser that accepts it (server/src/assets.rs).
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [command, dir, flag] = process.argv.slice(2);
const compressible = (name) => /\.(wasm|js|css|json)$/.test(name);

function compress(dir, fast) {
  for (const name of readdirSync(dir).filter(compressible)) {
    const file = join(dir, name);
    const mtime = statSync(file).mtimeMs;
    const fresh = (copy) => { try { return statSync(copy).mtimeMs >= mtime; } catch { return false; } };
    if (fresh(`${file}.br`) && fresh(`${file}.gz`)) continue;
    const data = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(data, { level: fast ? 6 : 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(data, { params: {
      [constants.BROTLI_PARAM_QUALITY]: fast ? 5 : 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    } }));
  }
}

function sizes(dir) {
  const rows = readdirSync(dir).filter(compressible).map((name) => {
    const raw = statSync(join(dir, name)).size;
    const size = (ext) => { try { return statSync(join(dir, name + ext)).size; } catch { return NaN; } };
    return { name, raw, gzip: size(".gz"), br: size(".br") };
  });
  for (const r of rows) console.log(`${r.name.padEnd(48)} ${String(r.raw).padStart(9)} ${String(r.gzip).padStart(9)} ${String(r.br).padStart(9)}`);
}

if (command === "compress" && dir) compress(dir, flag === "--fast");
else if (command === "sizes" && dir) sizes(dir);
else { console.error("usage: node scripts/site.mjs compress DIR [--fast] | sizes DIR"); process.exit(2); }
