//! The call's applications as CSV.

use super::*;

pub async fn export_csv(
    db: &DatabaseConnection,
    call_id: Uuid,
    delimiter: crate::http::csv::Delimiter,
    include_note: bool,
) -> ApiResult<Vec<u8>> {
    call::Entity::find_by_id(call_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))?;
    let apps = application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .order_by_asc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    let mobilities: HashMap<Uuid, String> = mobility::Entity::find()
        .filter(mobility::Column::Id.is_in(apps.iter().map(|a| a.mobility_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.code))
        .collect();
    let libraries =
        crate::organisations::service::names(db, apps.iter().map(|a| a.library_id)).await?;
    let mut w = crate::http::csv::writer(delimiter);
    {
        let mut header = vec![
            "id",
            "mobility",
            "library",
            "applicant_full_name",
            "applicant_email",
            "job_title",
            "adult_education_role",
            "years_in_adult_education",
            "language_skills",
            "fewer_opportunities",
            "status",
            "received_via",
            "received_at",
            "submitted_at",
            "withdrawn_at",
            "content_sha256",
        ];
        if include_note {
            header.push("fewer_opportunities_note");
        }
        w.write_record(&header).map_err(ApiError::internal)?;
        let ts = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        for a in apps {
            let mut row = vec![
                a.id.to_string(),
                mobilities.get(&a.mobility_id).cloned().unwrap_or_default(),
                libraries.get(&a.library_id).cloned().unwrap_or_default(),
                a.applicant_full_name,
                a.applicant_email,
                a.applicant_job_title,
                a.applicant_adult_education_role,
                a.applicant_years_in_adult_education
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                a.language_skills,
                if a.fewer_opportunities {
                    "yes".into()
                } else {
                    "no".into()
                },
                a.status.to_string(),
                a.received_via.to_string(),
                ts(a.received_at),
                ts(a.submitted_at),
                ts(a.withdrawn_at),
                a.content_sha256,
            ];
            if include_note {
                row.push(a.fewer_opportunities_note.unwrap_or_default());
            }
            w.write_record(&row).map_err(ApiError::internal)?;
        }
    }
    w.into_inner().map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_deadline_is_a_whole_day_in_ljubljana() {
        let deadline = NaiveDate::from_ymd_opt(2025, 11, 7).unwrap();
        let tz = chrono_tz::Europe::Ljubljana;
        // 23:59:59 local on the day (CET, UTC+1) is 22:59:59 UTC.
        let last = Utc.with_ymd_and_hms(2025, 11, 7, 22, 59, 59).unwrap();
        assert!(!after_deadline(deadline, tz, last));
        assert!(after_deadline(
            deadline,
            tz,
            last + chrono::Duration::seconds(1)
        ));
        // Early morning UTC on the 7th is still the 7th locally.
        assert!(!after_deadline(
            deadline,
            tz,
            Utc.with_ymd_and_hms(2025, 11, 6, 23, 30, 0).unwrap()
        ));
    }

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitise_filename("../../etc/passwd"), "passwd.pdf");
        assert_eq!(
            sanitise_filename("C:\\Users\\ana\\prijava.PDF"),
            "prijava.PDF"
        );
        assert_eq!(
            sanitise_filename("prijava \"podpisana\";.pdf"),
            "prijava _podpisana__.pdf"
        );
        assert_eq!(
            sanitise_filename("Čebelica žužek.pdf"),
            "Čebelica žužek.pdf"
        );
        assert_eq!(
            sanitise_filename("racun\u{202e}fdp.exe\u{200b}"),
            "racunfdp.exe.pdf"
        );
        assert_eq!(sanitise_filename(""), "document.pdf");
        assert_eq!(sanitise_filename(".hidden"), "hidden.pdf");
        assert!(sanitise_filename(&"a".repeat(500)).chars().count() <= 154);
    }
}
