//! npm: installing a folder's locked dependencies, and tools the build runs with Node.

use std::path::PathBuf;

use crate::cmd;

/// Installs `folder`'s dependencies exactly as its package-lock.json says (`npm ci`).
pub fn ci(folder: &str) -> Result<(), String> {
    cmd::run_in(folder, "npm", &["ci", "--no-audit", "--no-fund"]).map_err(|e| {
        format!("{e}\nnpm could not install {folder}'s dependencies from the npm registry")
    })
}

/// Installs npm packages into `target/npm-tools` (once) and returns that folder.
pub fn tools(packages: &[&str]) -> Result<PathBuf, String> {
    let folder = cmd::root().join("target/npm-tools");
    let missing = packages.iter().any(|package| {
        let name = package.rsplit_once('@').map_or(*package, |(name, _)| name);
        !folder
            .join("node_modules")
            .join(name)
            .join("package.json")
            .exists()
    });
    if missing {
        std::fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        let mut args = vec![
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ];
        let prefix = folder.to_string_lossy().into_owned();
        args.push(&prefix);
        args.extend(packages);
        cmd::run("npm", &args)
            .map_err(|e| format!("{e}\nnpm could not install {}", packages.join(" ")))?;
    }
    Ok(folder)
}
