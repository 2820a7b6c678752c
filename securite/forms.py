from django import forms


class BrisDeGlaceForm(forms.Form):
    identifiant_local = forms.CharField(
        label="Identifiant du dossier",
        max_length=30,
        help_text="L'identifiant local figurant sur le dossier (par exemple U0000123).",
    )
    motif = forms.CharField(
        label="Motif de l'accès exceptionnel",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Situation qui justifie l'accès. Il sera transmis au chef de service et tracé.",
    )
