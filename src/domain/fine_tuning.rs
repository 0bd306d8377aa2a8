//! Fine-tuning jobs and the models they make: states, the rules for a job's input, and
//! how a fine-tuned model is named.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Where a job stands. Queued and running jobs can be cancelled; the last three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
    ];

    /// The word the API and the database use (the provider's own words).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// A job as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: String,
    pub model: String,
    pub training_file: String,
    pub validation_file: Option<String>,
    pub suffix: Option<String>,
    pub status: JobStatus,
    /// 0..=100.
    pub progress: i64,
    pub message: Option<String>,
    pub fine_tuned_model: Option<String>,
    /// The key's name or the person's name.
    pub created_by: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// A dataset as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetView {
    pub id: String,
    pub filename: String,
    pub bytes: i64,
    pub examples: i64,
    /// "Key “ci”" or the person's name.
    pub created_by: Option<String>,
    pub created_at: i64,
}

/// A fine-tuned model as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelView {
    pub id: String,
    pub base_model: String,
    pub job_id: String,
    pub created_at: i64,
}

/// What a workspace's datasets, jobs or models page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceResources<T> {
    /// A page of them, the newest first.
    pub items: Vec<T>,
    /// Where the pages of newer and older ones start.
    pub neighbours: super::keyset::Neighbours,
    /// Whether the viewer may delete (workspace Admins).
    pub can_delete: bool,
}

/// The models page: the platform's base models and the workspace's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelsPage {
    pub base_models: Vec<String>,
    pub fine_tuned: WorkspaceResources<ModelView>,
}

/// What became of a dataset uploaded in the console, shown once on the datasets page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadOutcome {
    Uploaded { filename: String },
    Refused { message: String },
}

/// Checks a suffix: 1 to 18 letters, digits, `-` or `_` (it becomes part of a model id).
pub fn check_suffix(suffix: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if suffix.is_empty() || suffix.len() > 18 || !suffix.chars().all(ok_char) {
        return Err("Use 1 to 18 letters, digits, \"-\" or \"_\".".into());
    }
    Ok(())
}

/// Reads `hyperparameters` (absent, or an object of `n_epochs`, `batch_size`,
/// `learning_rate_multiplier`, each "auto" or a number in range) into its stored form,
/// or names the offending parameter.
pub fn normalize_hyperparameters(raw: Option<&Value>) -> Result<Value, (String, String)> {
    let empty = serde_json::Map::new();
    let given = match raw {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(("hyperparameters".into(), "Must be an object.".into()));
        }
    };
    if let Some(unknown) = given
        .keys()
        .find(|k| !["n_epochs", "batch_size", "learning_rate_multiplier"].contains(&k.as_str()))
    {
        return Err((
            format!("hyperparameters.{unknown}"),
            "Unknown hyperparameter.".into(),
        ));
    }
    let int = |name: &str, max: i64| -> Result<Value, (String, String)> {
        match given.get(name) {
            None | Some(Value::Null) => Ok(json!("auto")),
            Some(Value::String(s)) if s == "auto" => Ok(json!("auto")),
            Some(v) => v
                .as_i64()
                .filter(|n| (1..=max).contains(n))
                .map(|n| json!(n))
                .ok_or_else(|| {
                    (
                        format!("hyperparameters.{name}"),
                        format!("Use \"auto\" or a whole number from 1 to {max}."),
                    )
                }),
        }
    };
    let multiplier = match given.get("learning_rate_multiplier") {
        None | Some(Value::Null) => json!("auto"),
        Some(Value::String(s)) if s == "auto" => json!("auto"),
        Some(v) => v
            .as_f64()
            .filter(|x| *x > 0.0 && *x <= 10.0)
            .map(|x| json!(x))
            .ok_or_else(|| {
                (
                    "hyperparameters.learning_rate_multiplier".to_owned(),
                    "Use \"auto\" or a number above 0 and at most 10.".to_owned(),
                )
            })?,
    };
    Ok(json!({
        "n_epochs": int("n_epochs", 50)?,
        "batch_size": int("batch_size", 256)?,
        "learning_rate_multiplier": multiplier,
    }))
}

/// The part of a model id that names the workspace: its name, lowercase, with anything
/// but letters and digits turned into single dashes.
pub fn workspace_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(32).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "workspace".into()
    } else {
        slug.to_owned()
    }
}

/// `ft:<base>:<workspace>:<suffix>:<id>`, the id being the job's own random part.
pub fn fine_tuned_model_id(
    base: &str,
    workspace_name: &str,
    suffix: Option<&str>,
    job_id: &str,
) -> String {
    let short: String = job_id
        .rsplit(['-', '_'])
        .next()
        .unwrap_or(job_id)
        .chars()
        .take(12)
        .collect();
    format!(
        "ft:{base}:{}:{}:{short}",
        workspace_slug(workspace_name),
        suffix.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_know_when_they_are_final() {
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
        assert!(!JobStatus::Running.is_final() && JobStatus::Cancelled.is_final());
        assert_eq!(JobStatus::parse("done"), None);
    }

    #[test]
    fn suffixes_are_checked() {
        assert!(check_suffix("support-bot_2").is_ok());
        assert!(check_suffix("").is_err());
        assert!(check_suffix("has:colon").is_err());
        assert!(check_suffix(&"x".repeat(19)).is_err());
    }

    #[test]
    fn hyperparameters_default_to_auto_and_name_the_bad_one() {
        assert_eq!(
            normalize_hyperparameters(None).unwrap(),
            json!({"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"})
        );
        let given = json!({"n_epochs": 3, "learning_rate_multiplier": 0.5});
        assert_eq!(
            normalize_hyperparameters(Some(&given)).unwrap(),
            json!({"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.5})
        );
        let bad = json!({"n_epochs": 0});
        assert_eq!(
            normalize_hyperparameters(Some(&bad)).unwrap_err().0,
            "hyperparameters.n_epochs"
        );
        let unknown = json!({"epochs": 2});
        assert_eq!(
            normalize_hyperparameters(Some(&unknown)).unwrap_err().0,
            "hyperparameters.epochs"
        );
        assert!(normalize_hyperparameters(Some(&json!([1]))).is_err());
    }

    #[test]
    fn model_ids_follow_the_pattern() {
        assert_eq!(workspace_slug("  Data Science: EU "), "data-science-eu");
        assert_eq!(workspace_slug("日本"), "workspace");
        assert_eq!(
            fine_tuned_model_id(
                "open-mistral-7b",
                "Support Team",
                Some("faq"),
                "ftjob-0123456789abcdef01234567"
            ),
            "ft:open-mistral-7b:support-team:faq:0123456789ab"
        );
        assert_eq!(
            fine_tuned_model_id("m", "Default", None, "ftjob-abc"),
            "ft:m:default::abc"
        );
    }
}
