//! `/pkg` sends the compressed copy a browser accepts, and the file itself to one that accepts none.

use server::assets;

#[tokio::test]
async fn pkg_files_go_out_as_the_brotli_or_gzip_copy_the_client_accepts() {
    let site = std::env::temp_dir().join(format!("tessera-site-{}", std::process::id()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(pkg.join("tessera.wasm"), b"\0asm raw module").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(pkg.join("tessera.wasm.br"), b"brotli copy").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(pkg.join("tessera.wasm.gz"), b"gzip copy").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(pkg.join("tessera.css"), b"body{}").unwrap_or_else(|e| panic!("{e}"));
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tessera")
        .site_root(site.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    tokio::spawn(async move { axum::serve(listener, assets::router::<()>(&options)).await });
    let http = reqwest::Client::new();
    let get = |path: &'static str, accept: &'static str| {
        let request = http.get(format!("{base}{path}")).header("accept-encoding", accept);
        async move {
            let res = request.send().await.unwrap_or_else(|e| panic!("{e}"));
            let encoding = res.headers().get("content-encoding").map(|v| v.to_str().unwrap_or_default().to_string());
            let vary = res.headers().get("vary").map(|v| v.to_str().unwrap_or_default().to_string());
            (res.status().as_u16(), encoding, vary, res.text().await.unwrap_or_default())
        }
    };
    let (status, encoding, vary, body) = get("/pkg/tessera.wasm", "gzip, deflate, br").await;
    assert_eq!((status, encoding.as_deref(), body.as_str()), (200, Some("br"), "brotli copy"));
    assert_eq!(vary.as_deref(), Some("accept-encoding"));
    let (_, encoding, _, body) = get("/pkg/tessera.wasm", "gzip").await;
    assert_eq!((encoding.as_deref(), body.as_str()), (Some("gzip"), "gzip copy"));
    let (_, encoding, _, body) = get("/pkg/tessera.wasm", "identity").await;
    assert_eq!((encoding, body.as_str()), (None, "\0asm raw module"));
    // No compressed copy: the file as it is, whatever the client accepts.
    let (status, encoding, _, body) = get("/pkg/tessera.css", "br").await;
    assert_eq!((status, encoding, body.as_str()), (200, None, "body{}"));
    assert_eq!(get("/pkg/missing.wasm", "br").await.0, 404);
    let _ = std::fs::remove_dir_all(&site);
}
