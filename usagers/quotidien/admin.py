"""Nothing of the daily support is in the administration site: it is for technical
administrators, who never reach usager data (securite.access). Notes, measurements, incidents,
agenda and presence are read and written through the pages and the API, under the policy."""
